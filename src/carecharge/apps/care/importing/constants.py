"""Settings of the care import shared by its parts."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from carecharge.apps.people.models import Address, ServiceUser

M = TypeVar("M", bound=models.Model)

AUDIT_SOURCE = "import"
IMPORTS_FOLDER = "imports"
COUNT_KEYS = (
    "people_created", "people_updated", "people_unchanged",
    "packages_created", "packages_updated", "packages_unchanged",
    "lines_created", "lines_updated", "lines_unchanged",
    "suspensions_created", "suspensions_updated", "suspensions_unchanged",
)  # fmt: skip
FUNDING_FLAGS = ("section_117", "chc", "funded_nursing_care")
# Columns whose text the validator allows up to 200 characters but the model holds fewer.
PERSON_TEXT_COLUMNS = {
    "title": (ServiceUser, "title"),
    "forename": (ServiceUser, "forename"),
    "surname": (ServiceUser, "surname"),
    "phone": (ServiceUser, "phone"),
    "email": (ServiceUser, "email"),
    "address_line_1": (Address, "line_1"),
    "address_line_2": (Address, "line_2"),
    "town": (Address, "town"),
}
# Keeps each `id IN (...)` under SQLite's limit on query parameters.
QUERY_CHUNK = 500
# A concurrent import may take the account reference we chose; try the next one this often.
REFERENCE_ATTEMPTS = 20
MAX_DISPLAY_NAME = 200
UNEXPECTED_FAILURE = (
    "The file passed every check but could not be applied because of an unexpected error, so "
    "nothing was changed. Try importing it again; if this happens again, tell your system "
    "administrator the import number shown on this page"
)
NOT_STORED = (
    "The file could not be saved on the server, so it was not imported and nothing was "
    "changed. Tell your system administrator (the server's disk may be full)"
)
