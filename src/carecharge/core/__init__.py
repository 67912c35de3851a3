"""Pure domain core: no Django, no database, no clock."""
