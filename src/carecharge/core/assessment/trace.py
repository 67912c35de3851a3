"""The trace: every step of an assessment in order, each with the rule or paragraph it applied.

A step's ``reference`` is either a rule name with the title of its first reference
(``"england.charging.personal_expenses_allowance: SI 2025/... reg 6"``) or a paragraph of the
regulations or statutory guidance. A step that used a figure marked ``unverified`` in the rules
has " (figure not yet verified)" at the end of its label.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from carecharge.core.money import format_pounds
from carecharge.core.rules import RuleEntry

UNVERIFIED: Final = " (figure not yet verified)"

# Paragraphs of the regulations and statutory guidance that the engine applies without a figure.
REGS: Final = "SI 2014/2672"
GUIDANCE: Final = "Care and Support Statutory Guidance"
INCOME: Final = f"{REGS} Schedule 1; {GUIDANCE}, Annex C (treatment of income)"
JOINT_INCOME: Final = f"{GUIDANCE}, Annex C para 5 (a member of a couple owns half of joint income)"
EARNINGS: Final = f"{REGS} reg 14; {GUIDANCE}, Annex C para 8 (earnings are disregarded)"
NIGHT_CARE: Final = f"{GUIDANCE}, Annex C (night-care element where no care is provided at night)"
PARTNER_SHARE: Final = (
    f"{GUIDANCE}, Annex C (half of an occupational or personal pension paid to a partner at home)"
)
SAVINGS_CREDIT: Final = f"{REGS} Schedule 1; {GUIDANCE}, Annex C (savings credit disregard)"
CAPITAL: Final = f"{GUIDANCE}, Annex B (treatment of capital)"
JOINT_CAPITAL: Final = f"{REGS} reg 24 (capital jointly held)"
NOTIONAL_CAPITAL: Final = f"{REGS} reg 22 (notional capital); {GUIDANCE}, Annex E (deprivation)"
HOME_AT_HOME: Final = f"{GUIDANCE}, Annex B (the main home is ignored while the person lives there)"
HOME_RELATIVE: Final = (
    f"{REGS} Schedule 2 (home occupied by a partner or qualifying relative); {GUIDANCE}, Annex B"
)
HOME_TEMPORARY: Final = f"{REGS} Schedule 2 para 1 (temporary residents)"
HOME_12_WEEKS: Final = f"{REGS} Schedule 2 para 2 (12-week property disregard)"
TARIFF: Final = f"{REGS} reg 25 (tariff income from capital)"
MIG: Final = f"{REGS} reg 7 (minimum income guarantee)"
PEA: Final = f"{REGS} reg 6 (personal expenses allowance)"
HOUSING: Final = f"{GUIDANCE}, Annex C (housing costs)"
DRE: Final = (
    f"{REGS} Schedule 1 para 4; {GUIDANCE}, Annex C para 40 (disability-related expenditure)"
)
SHORT_TERM: Final = f"{REGS} reg 8 (short-term residents charged as if at home)"
TEMPORARY: Final = f"{GUIDANCE}, Annex F (temporary residents)"
COST_CAP: Final = "Care Act 2014 s14(4) (no more than the cost of meeting the needs)"
CARE_ACT: Final = "Care Act 2014 ss14 and 17"
PENSION_AGE: Final = (
    "State Pension Credit Act 2002 s1(6); Pensions Act 1995 Schedule 4 "
    "(as amended by the Pensions Acts 2007, 2011 and 2014)"
)
WALES: Final = "Care and Support (Charging) (Wales) Regulations 2015 (WSI 2015/1843)"
OVERRIDE: Final = "given as an override with the request"
REQUEST_POLICY: Final = "the council's policy, given with the request"


class Step(NamedTuple):
    """One step of an assessment: what was done, the amount (pence, or None) and why."""

    label: str
    amount_pence: int | None
    reference: str


def rule_reference(entry: RuleEntry) -> str:
    """``"<rule name>: <title of its first reference>"``."""
    if entry.references:
        return f"{entry.name}: {entry.references[0].title}"
    return entry.name


def pounds(pence: int) -> str:
    """Pence as pounds for a label: ``1000`` -> ``"£10.00"`` (as ``money.format_pounds``)."""
    if pence >= 0:  # the common case, formatted directly: labels are built on every assessment
        whole, pennies = divmod(pence, 100)
        return f"£{whole:,}.{pennies:02d}"
    return format_pounds(pence)


class Trace:
    """The steps of one assessment, appended in order."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(
        self, label: str, amount: int | None, reference: str, *, unverified: bool = False
    ) -> None:
        # tuple.__new__ skips the NamedTuple constructor's argument handling (a hot path).
        self.steps.append(
            tuple.__new__(Step, (label + UNVERIFIED if unverified else label, amount, reference))
        )

    def rule(self, label: str, amount: int | None, *entries: RuleEntry) -> None:
        """A step that applied one or more rules: cites them, and flags unverified figures."""
        self.steps.append(
            Step(
                label + UNVERIFIED if any(e.unverified for e in entries) else label,
                amount,
                "; ".join(rule_reference(e) for e in entries),
            )
        )
