"""What was charged after posting some adjustments: the running sums re-rating compares with.

The billing app keeps these sums in its database; this pure version lets a preview (and the
tests) see the state a run would leave without posting anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from carecharge.core.rerating.types import Adjustment, Charged


def posted(
    charged: Mapping[str, Charged], adjustments: Sequence[Adjustment], records: Sequence[str]
) -> dict[str, Charged]:
    """``charged`` with each adjustment added, ``records[i]`` being the id ``adjustments[i]``
    was posted under (so it becomes its key's ``last_record``)."""
    if len(records) != len(adjustments):
        raise ValueError("one record id is needed for each adjustment")
    state = dict(charged)
    for line, record in zip(adjustments, records, strict=True):
        before = state.get(line.key)
        income: dict[str, int] = defaultdict(int)
        for code, pence in (*(before.income if before else ()), *line.income):
            income[code] += pence
        state[line.key] = Charged(
            key=line.key,
            kind=line.kind,
            debtor=line.debtor,
            week=line.week,
            amount_pence=(before.amount_pence if before else 0) + line.amount_pence,
            income=tuple(sorted((code, pence) for code, pence in income.items() if pence)),
            invoiced=line.invoiced,
            last_record=record,
            basis=line.basis,
        )
    return state
