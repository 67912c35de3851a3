"""Hypothesis strategies for valid assessment requests against the test rules tree."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from carecharge.core.assessment.request import RATES, IncomeType

FIRST = date(2024, 4, 8)
LAST = date(2026, 3, 31)
STATUTORY_LOWER = 1425000
STATUTORY_UPPER = 2325000


def pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def amounts(high: int) -> st.SearchStrategy[str]:
    return st.integers(0, high).map(pounds)


@st.composite
def income_item(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(IncomeType)))
    item: dict[str, Any] = {"type": kind.value, "weekly": draw(amounts(40000))}
    if kind in RATES and draw(st.booleans()):
        item["rate"] = draw(st.sampled_from(sorted(RATES[kind]))).value
    if kind is IncomeType.OTHER:
        item["treatment"] = draw(st.sampled_from(["counted", "disregarded"]))
    if draw(st.integers(0, 4)) == 0:
        item["joint"] = True
    return item


@st.composite
def capital_item(draw: st.DrawFn, home: bool) -> dict[str, Any]:
    kinds = ["savings", "investments", "premium_bonds", "shares", "other_property", "notional"]
    kind = "main_home" if home else draw(st.sampled_from(kinds))
    item: dict[str, Any] = {"type": kind, "amount": draw(amounts(3000000))}
    choice = draw(st.integers(0, 3))
    if choice == 1:
        item["joint"] = True
    elif choice == 2:
        item["share"] = draw(st.sampled_from(["0.5", "0.25", "1.0", "0.333", "0"]))
    return item


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    policy: dict[str, Any] = {}
    if draw(st.booleans()):
        policy["taper_percent"] = str(draw(st.integers(0, 100)))
    if draw(st.booleans()):
        policy["disregard_night_care_element"] = draw(st.booleans())
    if draw(st.booleans()):
        policy["housing_costs_allowed"] = draw(st.booleans())
    if draw(st.booleans()):
        policy["dre_mode"] = draw(st.sampled_from(["itemised", "flat", "greater_of"]))
        policy["dre_flat_weekly"] = draw(amounts(3000))
    if draw(st.booleans()):
        policy["mig_uplift_percent"] = draw(st.sampled_from(["0", "2.5", "10", "25"]))
    if draw(st.booleans()):
        policy["mig_uplift_weekly"] = draw(amounts(2000))
    if draw(st.booleans()):
        minimum = draw(st.integers(0, 2000))
        policy["minimum_weekly_charge"] = pounds(minimum)
        if draw(st.booleans()):
            policy["maximum_weekly_charge"] = pounds(draw(st.integers(minimum, 50000)))
    if draw(st.booleans()):
        policy["temporary_as_non_residential"] = draw(st.booleans())
    if draw(st.integers(0, 5)) == 0:
        lower = draw(st.integers(STATUTORY_LOWER, 3000000))
        policy["lower_capital_limit"] = pounds(lower)
        policy["upper_capital_limit"] = pounds(
            draw(st.integers(max(lower, STATUTORY_UPPER), 5000000))
        )
    return policy


@st.composite
def requests(draw: st.DrawFn, *, wales: bool | None = None) -> dict[str, Any]:
    as_at = draw(st.dates(FIRST, LAST))
    setting = draw(
        st.sampled_from(["non_residential", "residential_permanent", "residential_temporary"])
    )
    in_wales = draw(st.integers(0, 4)) == 0 if wales is None else wales
    person: dict[str, Any] = {"pension_credit_age": draw(st.booleans())}
    if draw(st.booleans()):
        person["age"] = draw(st.integers(18, 100))
    else:
        born = as_at - timedelta(days=draw(st.integers(18 * 366, 100 * 365)))
        person = {"date_of_birth": born.isoformat()}
    partner = draw(st.booleans())
    person["has_partner"] = partner
    if partner:
        person["partner_in_home"] = draw(st.booleans())
    elif draw(st.integers(0, 3)) == 0:
        person["lone_parent"] = True
    if not in_wales:
        person["dependent_children"] = draw(st.integers(0, 3))
        person["premiums"] = draw(
            st.lists(st.sampled_from(["disability", "enhanced_disability", "carer"]), unique=True)
        )
    person["night_care_provided"] = draw(st.booleans())
    capital = draw(st.lists(capital_item(False), max_size=3))
    if draw(st.booleans()):
        capital.append(draw(capital_item(True)))
    data: dict[str, Any] = {
        "as_at": as_at.isoformat(),
        "jurisdiction": "wales" if in_wales else "england",
        "setting": setting,
        "person": person,
        "income": draw(st.lists(income_item(), max_size=6)),
        "capital": capital,
        "property": {
            "first_permanent_admission": (
                (as_at - timedelta(days=draw(st.integers(0, 200)))).isoformat()
                if draw(st.booleans())
                else None
            ),
            "occupied_by_qualifying_relative": draw(st.booleans()),
        },
        "expenses": {
            "housing": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "type": st.sampled_from(["rent", "council_tax", "water", "other"]),
                            "weekly": amounts(20000),
                        }
                    ),
                    max_size=3,
                )
            ),
            "dre": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"type": st.sampled_from(["laundry", "heating"]), "weekly": amounts(5000)}
                    ),
                    max_size=3,
                )
            ),
        },
        "weekly_cost_of_care": draw(amounts(200000)),
        "policy": draw(policies()),
        "overrides": {},
    }
    if in_wales:
        data["policy"].pop("lower_capital_limit", None)
        data["policy"].pop("upper_capital_limit", None)
        data["overrides"]["mig"] = draw(amounts(40000))
    elif draw(st.booleans()):
        data["overrides"]["mig"] = draw(amounts(40000))
    if draw(st.integers(0, 3)) == 0:
        data["overrides"]["pea"] = draw(amounts(20000))
    return data
