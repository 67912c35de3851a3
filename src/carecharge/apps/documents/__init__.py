"""Issued documents: letters now, later invoices and statements (see docs/letters.md)."""

import logging

# WeasyPrint logs its progress at INFO: a few lines when it is imported and seven for every
# document, which would bury everything else in a batch run's log. Set here, before any module
# of this app imports it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
