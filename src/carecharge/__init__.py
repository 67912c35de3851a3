"""carecharge: adult social care charging for English councils."""

__version__ = "0.1.0"
