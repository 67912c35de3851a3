"""Provider actuals: units delivered per service line and charging week, imported from a
provider's file (`importing.py`), compared with the plan, and reviewed by officers when outside
the council's tolerance (`review.py`). Billing reads the current accepted figure
(`carecharge.apps.care.queries.current_actuals`)."""
