"""The assessment outcome letter's explanation: what the person pays, why, and the calculation.

Everything comes from the assessment's contract request and result (with its trace), so the
letter says what the officer's screen says, in the person's words ("you", "your care"). The
regulation each step applied goes in numbered notes, not in the sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Final

from carecharge.core.assessment.deferred_payment import DeferredPaymentSplit
from carecharge.core.money import format_pounds

from .wording import long_date, pence, references, step_label

RESIDENTIAL: Final = frozenset({"residential_permanent", "residential_temporary"})
# What the charge is for, by setting: "you will pay £X a week towards ...".
TOWARDS: Final = {
    "non_residential": "the cost of your care and support at home",
    "residential_permanent": "your care home fees",
    "residential_temporary": "your care home fees for your stay",
}
SETTING_NAMES: Final = {
    "non_residential": "Care and support at home",
    "residential_permanent": "Permanent care home place",
    "residential_temporary": "Temporary or respite care home stay",
}
# "We have finished your financial assessment for ...".
ASSESSED_FOR: Final = {
    "non_residential": "your care and support at home",
    "residential_permanent": "your permanent place in a care home",
    "residential_temporary": "your temporary or respite stay in a care home",
}
# The allowances the result deducts, in the order a calculation reads, with their letter labels.
ALLOWANCES: Final = (
    ("mig", "Less the minimum income guarantee: the income the law says you must keep"),
    ("pea", "Less the personal expenses allowance: money you keep for your own spending"),
    ("housing", "Less housing costs"),
    ("dre", "Less extra costs of your disability (disability-related expenses)"),
    ("savings_credit_disregard", "Less the Pension Credit savings credit we do not count"),
    ("partner_pension_share", "Less half of your pension, passed to your partner at home"),
)


@dataclass(frozen=True)
class Figure:
    """One row of the key figures: what it is, the amount as pounds, and a stable key."""

    key: str
    label: str
    amount: str
    pence: int


@dataclass(frozen=True)
class Step:
    """One step of the calculation as the trace recorded it; `notes` number its sources."""

    label: str
    amount: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class Outcome:
    """What a completed assessment means for the person, worded for their letter."""

    kind: str  # "contribution", "nothing", "cost_of_care" or "full_cost"
    weekly_charge_pence: int
    weekly_charge: str
    weekly_cost_of_care: str
    full_cost: bool
    setting_name: str
    assessed_for: str
    summary: tuple[str, ...]
    figures: tuple[Figure, ...]
    steps: tuple[Step, ...]
    notes: tuple[str, ...]
    deferred_payment: str

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON types only, for a frozen document snapshot."""
        shown = asdict(self)
        shown["summary"] = list(self.summary)
        shown["notes"] = list(self.notes)
        shown["figures"] = [dict(f) for f in shown["figures"]]
        shown["steps"] = [{**s, "notes": list(s["notes"])} for s in shown["steps"]]
        return shown


def explain(
    request: Mapping[str, Any],
    result: Mapping[str, Any],
    *,
    effective_from: date,
    deferred_payment: DeferredPaymentSplit | None = None,
) -> Outcome:
    """The outcome of a completed assessment in plain English.

    `request` and `result` are the assessment's contract request and result, as stored.
    """
    setting = str(request.get("setting", ""))
    charge = pence(result.get("weekly_charge"))
    cost = pence(result.get("weekly_cost_of_care"))
    full_cost = bool(result.get("full_cost"))
    kind = _kind(charge, cost, full_cost)
    steps, notes = _steps(result.get("trace") or [])
    summary = _summary(
        kind,
        request,
        result,
        setting=setting,
        effective_from=effective_from,
    )
    return Outcome(
        kind=kind,
        weekly_charge_pence=charge,
        weekly_charge=format_pounds(charge),
        weekly_cost_of_care=format_pounds(cost),
        full_cost=full_cost,
        setting_name=SETTING_NAMES.get(setting, setting),
        assessed_for=ASSESSED_FOR.get(setting, "your care"),
        summary=tuple(summary),
        figures=tuple(_figures(result, setting=setting)),
        steps=tuple(steps),
        notes=tuple(notes),
        deferred_payment=_deferred_payment(
            request, result, setting=setting, split=deferred_payment
        ),
    )


def _kind(charge: int, cost: int, full_cost: bool) -> str:
    if full_cost:
        return "full_cost"
    if charge == 0:
        return "nothing"
    if charge >= cost:
        return "cost_of_care"
    return "contribution"


def _summary(
    kind: str,
    request: Mapping[str, Any],
    result: Mapping[str, Any],
    *,
    setting: str,
    effective_from: date,
) -> list[str]:
    day = long_date(effective_from)
    charge = format_pounds(pence(result.get("weekly_charge")))
    cost = format_pounds(pence(result.get("weekly_cost_of_care")))
    disposable = pence(result.get("disposable_income"))
    towards = TOWARDS.get(setting, "the cost of your care")
    residential = setting in RESIDENTIAL
    costs = (
        f"The care home's fee is {cost} a week."
        if residential
        else f"Your care costs {cost} a week."
    )
    if kind == "full_cost":
        capital = format_pounds(pence(result.get("capital_counted")))
        limit = _upper_limit(result)
        over = f"the upper capital limit of {limit}" if limit else "the upper capital limit"
        said = [
            f"From {day} you will pay the full cost of your care: {charge} a week.",
            f"This is because the capital we count (savings, investments and property) is "
            f"{capital}, which is more than {over}. Anyone whose capital is over this limit pays "
            "the full cost of their care.",
            "If your capital goes down to the limit or below, tell us straight away. We will then "
            "work out what you can afford, and we may pay part of the cost.",
        ]
        if result.get("light_touch"):
            said.append("Because of this, we did not need to look at your income in detail.")
        return said
    kept = _kept(result, residential=residential)
    income = (
        f"After taking away {kept}, you have {format_pounds(disposable)} a week of disposable "
        "income"
    )
    if kind == "nothing":
        left = (
            "which is not enough for us to charge you"
            if disposable
            else "so there is nothing left to charge"
        )
        return [
            f"From {day} you do not have to pay anything towards {towards}.",
            f"{income}, {left}.",
            costs,
        ]
    if kind == "cost_of_care":
        return [
            f"From {day} you will pay {charge} a week towards {towards}. This is the whole "
            "weekly cost of your care.",
            f"{income}. This is at least what your care costs, so you pay the cost and no more.",
        ]
    return [
        f"From {day} you will pay {charge} a week towards {towards}.",
        f"{costs} {income}. You never pay more than your disposable income, or more than your "
        "care costs.",
    ]


def _kept(result: Mapping[str, Any], *, residential: bool) -> str:
    """What the person keeps, as the second sentence of the summary names it."""
    allowances = result.get("allowances") or {}
    if residential and pence(allowances.get("pea")):
        amount = format_pounds(pence(allowances.get("pea")))
        return f"the personal expenses allowance of {amount} a week for your own spending"
    if pence(allowances.get("mig")):
        amount = format_pounds(pence(allowances.get("mig")))
        return f"the allowances the law says you must keep (including {amount} a week to live on)"
    return "the allowances the law says you must keep"


def _upper_limit(result: Mapping[str, Any]) -> str:
    """The upper capital limit the engine applied, from the step that cited it."""
    for step in result.get("trace") or []:
        if "capital.upper_limit" in str(step.get("reference", "")) and step.get("amount"):
            return format_pounds(pence(step["amount"]))
    return ""


def _figures(result: Mapping[str, Any], *, setting: str) -> list[Figure]:
    def row(key: str, label: str, amount: object) -> Figure:
        value = pence(amount)
        return Figure(key, label, format_pounds(value), value)

    residential = setting in RESIDENTIAL
    cost_label = "The care home's weekly fee" if residential else "The weekly cost of your care"
    charge = row("weekly_charge", "Your weekly charge", result.get("weekly_charge"))
    cost = row("weekly_cost_of_care", cost_label, result.get("weekly_cost_of_care"))
    capital = row("capital_counted", "Capital we count", result.get("capital_counted"))
    if result.get("full_cost"):
        return [capital, cost, charge]
    rows = [
        row("total_income", "Your weekly income", result.get("total_income")),
        row("disregarded_income", "Less income we do not count", result.get("disregarded_income")),
    ]
    if capital.pence or pence(result.get("tariff_income")):
        rows.append(capital)
        rows.append(
            row(
                "tariff_income",
                "Plus income we assume from your capital (tariff income)",
                result.get("tariff_income"),
            )
        )
    allowances = result.get("allowances") or {}
    for key, label in ALLOWANCES:
        if pence(allowances.get(key)):
            rows.append(row(f"allowances.{key}", label, allowances.get(key)))
    rows.append(row("disposable_income", "Your disposable income", result.get("disposable_income")))
    return [*rows, cost, charge]


def _steps(trace: Sequence[Mapping[str, Any]]) -> tuple[list[Step], list[str]]:
    notes: list[str] = []
    steps: list[Step] = []
    for item in trace:
        numbers: list[int] = []
        for source in references(str(item.get("reference") or "")):
            if source not in notes:
                notes.append(source)
            numbers.append(notes.index(source) + 1)
        amount = item.get("amount")
        steps.append(
            Step(
                label=step_label(str(item.get("label", ""))),
                amount=format_pounds(pence(amount)) if amount not in (None, "") else "",
                notes=tuple(numbers),
            )
        )
    return steps, notes


def _deferred_payment(
    request: Mapping[str, Any],
    result: Mapping[str, Any],
    *,
    setting: str,
    split: DeferredPaymentSplit | None,
) -> str:
    """For a permanent care-home resident: how the charge is met under their deferred payment
    agreement, or, where their home counts, what an agreement is."""
    if setting != "residential_permanent":
        return ""
    if split is not None:
        deferred = (
            f"The other {format_pounds(split.deferred)} a week is deferred: we pay it to the "
            "care home and add it to your agreement, to be paid back later, for example when "
            "your home is sold. "
            if split.deferred
            else "Nothing is deferred at present. "
        )
        return (
            f"You have a deferred payment agreement with us. Of your weekly charge of "
            f"{format_pounds(split.weekly_charge)}, you pay {format_pounds(split.from_income)} "
            f"a week from your income, and you keep {format_pounds(split.allowance)} a week of "
            f"your income for yourself (your disposable income allowance). {deferred}"
            "We will write to you separately about the amount deferred, the interest and how "
            "it will be repaid."
        )
    owns_home = any(
        isinstance(row, Mapping) and row.get("type") == "main_home"
        for row in request.get("capital") or []
    )
    if not (owns_home and result.get("full_cost")):
        return ""
    return (
        "We count the value of your home, but you do not have to sell it straight away to pay "
        "for your care. You may be able to ask us for a deferred payment agreement. Under an "
        "agreement, we pay part of your care home fees and you pay us back later: for example, "
        "when your home is sold, or from your estate. We charge interest and an administration "
        "fee. Contact us if you would like to know more."
    )
