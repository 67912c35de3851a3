"""What is due from a person: pure charging from care, assessments and the council's rules.

``charges(person, book=..., council=..., since=..., through=...)`` returns a
:class:`~carecharge.core.charging.types.Charge` for every key live in each charging week, each
with its basis and a plain-English trace. The types it reads and returns are the contract with
the billing app (``types.py``). See docs/charging.md.
"""

from carecharge.core.charging.engine import charges
from carecharge.core.charging.errors import ChargingError

__all__ = ["ChargingError", "charges"]
