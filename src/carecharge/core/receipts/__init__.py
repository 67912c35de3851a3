"""Money received: bank statement and counter payment file readers, and receipt matching.

Each reader turns the bytes of one file into a :class:`~carecharge.core.receipts.types.Statement`
or refuses the whole file with a :class:`~carecharge.core.receipts.types.StatementError` naming
the line and field at fault: CSV exports (``csv_statement``), ISO 20022 camt.053 (``camt053``),
SWIFT MT940 (``mt940``), BAI2 (``bai2``) and allpay/PayPoint-style counter files (``counter``).
``matching`` says which debtor a statement line pays, and why, without touching a database.
Pure Python: no Django, no database, no clock.
"""
