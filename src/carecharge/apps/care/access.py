"""Who may do what on the care screens beyond reading (declared on each view with `@roles`)."""

from __future__ import annotations

from carecharge.apps.accounts.roles import Role

# Top-up agreements and CHC awards change what people are billed: the billing team records
# them, and their senior officers.
FUNDING_ROLES: frozenset[str] = frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER})
# Bodies the council invoices are set up once, by senior officers or administrators.
ORGANISATION_ROLES: frozenset[str] = frozenset({Role.SENIOR_OFFICER, Role.ADMINISTRATOR})
# Importing provider actuals and deciding held figures is billing work too.
ACTUALS_ROLES: frozenset[str] = FUNDING_ROLES
# The auditor may look at the exceptions queue but not decide anything in it.
ACTUALS_QUEUE_ROLES: frozenset[str] = ACTUALS_ROLES | {Role.AUDITOR}
