"""Bacs Direct Debit: Standard 18 files, Bacs reports, sort codes and the processing calendar."""
