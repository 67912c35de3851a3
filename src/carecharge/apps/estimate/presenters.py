"""An estimate's results as plain dictionaries for the page: the charge, the main figures, every
step of the calculation in plain English, and what the estimate leaves out.

Amounts arrive as contract strings ("78.50") and leave as "£78.50". The placeholder cost used
when the person does not know the cost of their care is never shown as a figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from django.utils.dateformat import format as format_date

from carecharge.core.assessment.request import Setting
from carecharge.core.assessment.trace import UNVERIFIED
from carecharge.core.estimate import UNKNOWN_COST, Answers, DisabilityBenefit
from carecharge.core.estimate.translate import home_counts_later
from carecharge.core.money import format_pounds, parse_pounds

from .queries import Outcome

HEADINGS: Final = {
    "estimate": "Your estimated charge",
    "first_12_weeks": "For the first 12 weeks",
    "after_12_weeks": "After the first 12 weeks",
}
FULL_COST_TEXT: Final = "the full cost of your care"
# Words in the engine's labels that describe how the estimate built its request rather than the
# person's circumstances: the request "after 12 weeks" simply has no admission date.
REWORDED: Final = {
    "no 12-week disregard (no first permanent admission date)": "after the first 12 weeks",
}
_ISO_DATE: Final = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def pence(amount: Any) -> int:
    return parse_pounds(str(amount), allow_negative=True)


def _readable_date(match: re.Match[str]) -> str:
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return match[0]
    return format_date(day, "j F Y")


def plain_label(label: str) -> str:
    """A trace label for the public: dates written out, and the "not yet verified" flag left to
    one note under the steps."""
    if label.endswith(UNVERIFIED):
        label = label[: -len(UNVERIFIED)]
    label = label.replace(format_pounds(UNKNOWN_COST), FULL_COST_TEXT)
    for engine_words, plain in REWORDED.items():
        label = label.replace(engine_words, plain)
    return _ISO_DATE.sub(_readable_date, label)


def _amount(amount: Any) -> str:
    if amount is None:
        return ""
    value = pence(amount)
    return FULL_COST_TEXT if value == UNKNOWN_COST else format_pounds(value)


def _figures(result: dict[str, Any], setting: Setting) -> list[dict[str, str]]:
    """The main figures, in the order the calculation uses them; allowances that are nil are
    left out."""
    allowances = result["allowances"]
    rows = [
        ("Your weekly income", result["total_income"], True),
        ("Income that is ignored", result["disregarded_income"], False),
        ("Your savings and capital that count", result["capital_counted"], True),
        ("Income assumed from your savings (tariff income)", result["tariff_income"], False),
    ]
    if setting is Setting.NON_RESIDENTIAL:
        rows.append(("Minimum Income Guarantee: the income you keep", allowances["mig"], True))
    else:
        rows.append(("Personal expenses allowance: the income you keep", allowances["pea"], True))
    rows += [
        ("Housing costs", allowances["housing"], False),
        ("Extra costs of disability", allowances["dre"], False),
        (
            "Pension Credit savings credit that is ignored",
            allowances["savings_credit_disregard"],
            False,
        ),
        (
            "Half of your pensions, left for your partner",
            allowances["partner_pension_share"],
            False,
        ),
        ("What you can afford to pay (disposable income)", result["disposable_income"], True),
    ]
    return [
        {"label": label, "amount": format_pounds(pence(value))}
        for label, value, always in rows
        if always or pence(value)
    ]


def scenario(outcome: Outcome, *, setting: Setting, cost_known: bool) -> dict[str, Any]:
    result = outcome.result
    charge = pence(result["weekly_charge"])
    full_cost = bool(result["full_cost"])
    trace = result["trace"]
    return {
        "key": outcome.key,
        "heading": HEADINGS[outcome.key],
        "full_cost": full_cost,
        "charge": format_pounds(charge) if not (full_cost and not cost_known) else "",
        "up_to": not cost_known and not full_cost and charge > 0,
        "nothing": not full_cost and charge == 0,
        "capital": format_pounds(pence(result["capital_counted"])),
        "figures": _figures(result, setting),
        "steps": [
            {"label": plain_label(step["label"]), "amount": _amount(step["amount"])}
            for step in trace
        ],
        "references": list(
            dict.fromkeys(part for step in trace for part in step["reference"].split("; "))
        ),
        "unverified": any(step["label"].endswith(UNVERIFIED) for step in trace),
        "rules_hash": result["rules"]["hash"][:12],
    }


def _left_out(answers: Answers, scenarios: Sequence[dict[str, Any]]) -> list[str]:
    """What the estimate does not include, for this person's answers."""
    setting = answers.setting
    found = [
        "anything we did not ask about, such as capital the law ignores (for example personal "
        "belongings) or money you have given away, which the council looks at in a financial "
        "assessment",
    ]
    if answers.has_partner:
        found.append("your partner's own income and savings: only yours are counted")
    if setting is Setting.NON_RESIDENTIAL:
        found.append(
            "services the council charges for at a set price, such as meals, transport to a "
            "day centre or a community alarm"
        )
        found.append(
            "other amounts an officer may add to the income you keep if they apply to you; "
            "we used your answers about disability benefits, sight and Carer's Allowance"
        )
    else:
        found.append(
            "a top-up, if you or your family choose a care home that costs more than the "
            "council would pay"
        )
        found.append("NHS-funded nursing care, which the NHS pays to a nursing home directly")
        if answers.disability_benefit is not DisabilityBenefit.NONE:
            found.append(
                "changes to your benefits: Attendance Allowance, DLA care and PIP daily living "
                "usually stop after 4 weeks in a care home if the council helps pay the fees, "
                "and your charge would then be lower by that amount"
            )
    if setting is Setting.RESIDENTIAL_TEMPORARY:
        found.append("the council may decide to charge a short stay as if you were still at home")
    if any(s["up_to"] for s in scenarios):
        found.append(
            "the cost of your care: you did not give it, so this is the most you would pay. "
            "You never pay more than your care costs"
        )
    return found


def page(
    outcomes: Sequence[Outcome],
    *,
    answers: Answers,
    today: date,
    upper_limit: int,
    contact: dict[str, Any],
) -> dict[str, Any]:
    cost_known = answers.care_cost is not None
    scenarios = [
        scenario(outcome, setting=answers.setting, cost_known=cost_known) for outcome in outcomes
    ]
    return {
        "scenarios": scenarios,
        "two_periods": len(scenarios) > 1,
        "setting": answers.setting.value,
        "at_home": answers.setting is Setting.NON_RESIDENTIAL,
        "cost_known": cost_known,
        "care_cost": "" if answers.care_cost is None else format_pounds(answers.care_cost),
        # The full cost because of savings; a home counted after 12 weeks is explained apart.
        "capital_over_limit": any(
            s["full_cost"] for s in scenarios if s["key"] != "after_12_weeks"
        ),
        "upper_limit": format_pounds(upper_limit),
        "home_counts_later": home_counts_later(answers),
        "unverified": any(s["unverified"] for s in scenarios),
        "references": list(dict.fromkeys(r for s in scenarios for r in s["references"])),
        "rules_hash": scenarios[0]["rules_hash"],
        "left_out": _left_out(answers, scenarios),
        "today": today,
        "contact": contact,
    }
