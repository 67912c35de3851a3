"""Letters in plain English, worked out from calculation results (no Django, no clock)."""
