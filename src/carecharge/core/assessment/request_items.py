"""Strict reading of the lists of a JSON request: income, capital and expenses."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.fields import SHARE, choice, flag, items, kind, money, obj, text
from carecharge.core.assessment.request import (
    RATES,
    CapitalItem,
    CapitalType,
    DreItem,
    HousingCost,
    HousingType,
    IncomeItem,
    IncomeType,
    Rate,
    Treatment,
)

INCOME_KEYS: Final = ("type", "weekly", "rate", "joint", "label", "treatment")
CAPITAL_KEYS: Final = ("type", "amount", "joint", "share")
EXPENSES_KEYS: Final = ("housing", "dre")
HOUSING_KEYS: Final = ("type", "weekly")
DRE_KEYS: Final = ("type", "weekly", "evidence")


def income_item(value: object, path: str) -> IncomeItem:
    data = obj(value, path, INCOME_KEYS)
    income_type = choice(data.get("type"), f"{path}.type", IncomeType)
    weekly = money(data.get("weekly"), f"{path}.weekly")
    rate = None
    if data.get("rate") is not None:
        allowed = RATES.get(income_type)
        if allowed is None:
            raise AssessmentInputError(
                f"{path}.rate", f"is not used for income type {income_type.value}"
            )
        rate = choice(data["rate"], f"{path}.rate", Rate)
        if rate not in allowed:
            options = " or ".join(sorted(r.value for r in allowed))
            raise AssessmentInputError(f"{path}.rate", f"{income_type.value} is paid at {options}")
    treatment = None
    if data.get("treatment") is not None:
        if income_type is not IncomeType.OTHER:
            raise AssessmentInputError(f"{path}.treatment", "is only for income type other")
        treatment = choice(data["treatment"], f"{path}.treatment", Treatment)
    elif income_type is IncomeType.OTHER:
        raise AssessmentInputError(
            f"{path}.treatment", "is required for income type other (counted or disregarded)"
        )
    label = data.get("label")
    return IncomeItem(
        type=income_type,
        weekly=weekly,
        rate=rate,
        joint=flag(data.get("joint"), f"{path}.joint"),
        label=None if label is None else text(label, f"{path}.label"),
        treatment=treatment,
    )


def capital_item(value: object, path: str) -> CapitalItem:
    data = obj(value, path, CAPITAL_KEYS)
    capital_type = choice(data.get("type"), f"{path}.type", CapitalType)
    amount = money(data.get("amount"), f"{path}.amount")
    joint = flag(data.get("joint"), f"{path}.joint")
    share = None
    raw = data.get("share")
    if raw is not None:
        if not isinstance(raw, str) or not SHARE.fullmatch(raw):
            raise AssessmentInputError(
                f"{path}.share",
                f'must be a fraction from "0" to "1" such as "0.5", not {kind(raw)}',
            )
        if joint:
            raise AssessmentInputError(f"{path}.share", "give joint or share, not both")
        share = Decimal(raw)
    return CapitalItem(type=capital_type, amount=amount, joint=joint, share=share)


def expenses(value: object) -> tuple[tuple[HousingCost, ...], tuple[DreItem, ...]]:
    if value is None:
        return (), ()
    data = obj(value, "expenses", EXPENSES_KEYS)
    housing = []
    for index, raw in enumerate(items(data.get("housing"), "expenses.housing")):
        path = f"expenses.housing[{index}]"
        item = obj(raw, path, HOUSING_KEYS)
        housing.append(
            HousingCost(
                choice(item.get("type"), f"{path}.type", HousingType),
                money(item.get("weekly"), f"{path}.weekly"),
            )
        )
    dre = []
    for index, raw in enumerate(items(data.get("dre"), "expenses.dre")):
        path = f"expenses.dre[{index}]"
        item = obj(raw, path, DRE_KEYS)
        evidence = item.get("evidence")
        if evidence is not None and not isinstance(evidence, bool):
            evidence = text(evidence, f"{path}.evidence")
        dre.append(
            DreItem(
                text(item.get("type"), f"{path}.type"),
                money(item.get("weekly"), f"{path}.weekly"),
                evidence,
            )
        )
    return tuple(housing), tuple(dre)
