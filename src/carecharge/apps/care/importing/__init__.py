"""How a care-data file meets the database: keeping it, checking it against what is held,
applying it, and saying what happened. `carecharge.apps.care.operations.import_care_file` is
the entry point; these modules are its parts."""
