"""Uprate one completed assessment's request to a new date, or say why it cannot be done.

The request is the contract request as it was assessed. Each income item is either

* a flat DWP rate the rules hold (Attendance Allowance, DLA, PIP, the full State Pension): when the
  amount is exactly that rate on the old date, it becomes the rate on the new date, and the step
  (old amount, new amount, the rule) is recorded so the preview can show why;
* disregarded in full by Annex C (the engine's own treatment table): it cannot change the charge,
  so it is carried over unchanged, and the finding says so;
* anything else (a part or protected rate, an occupational pension, Pension Credit worked out on
  the person's other income, ...): the person is listed for manual review, naming the item. The
  amount is never guessed.

Capital is carried over unchanged. The allowances (MIG, PEA, the savings credit disregard) are
not in the request: the engine takes them from the rules on the new as-at date, and works the
person's age out again from their date of birth. Officers' overrides are kept but flagged,
because they are figures frozen by hand for the old year.

Pure Python: no Django, no database, no clock.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.income import TREATMENT, Kind, name
from carecharge.core.assessment.parsing import parse_request
from carecharge.core.assessment.pension_age import has_reached, pension_credit_qualifying_date
from carecharge.core.assessment.request import (
    AssessmentRequest,
    IncomeItem,
    IncomeType,
    Rate,
    Treatment,
)
from carecharge.core.assessment.trace import UNVERIFIED, pounds, rule_reference
from carecharge.core.money import to_decimal_string
from carecharge.core.periods import age_on
from carecharge.core.rules import RuleBook, RuleError, RuleSet
from carecharge.core.uprating.rates import RATE_RULES, STANDARD_MINIMUM_GUARANTEE

#: What each override replaces, for the officer reading the reason.
OVERRIDDEN = {
    "mig": "the minimum income guarantee",
    "pea": "the personal expenses allowance",
    "savings_credit_disregard": "the savings credit disregard",
    "lower_capital_limit": "the lower capital limit",
    "upper_capital_limit": "the upper capital limit",
}


class UpratingError(ValueError):
    """The request cannot be uprated at all (unreadable, or a date before its own)."""


class FindingKind(StrEnum):
    UPRATED = "uprated"  # an amount replaced by the rules
    CARRIED = "carried"  # carried over unchanged, and why that is safe
    REVIEW = "review"  # an officer must decide: the person is never uprated automatically
    NOTE = "note"  # worth knowing; no action needed


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    where: str  # the request field, like "income[2]"
    text: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "where": self.where, "text": self.text}


@dataclass(frozen=True, slots=True)
class Step:
    """One amount changed: what it was, what it is now, and the rule (or source) that says so."""

    where: str
    label: str
    old: int
    new: int
    reference: str
    rule: str | None = None
    effective_from: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "label": self.label,
            "old": to_decimal_string(self.old),
            "new": to_decimal_string(self.new),
            "rule": self.rule,
            "effective_from": None
            if self.effective_from is None
            else self.effective_from.isoformat(),
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class Uprating:
    """The new request (as at the uprating date), the amounts changed and what was found."""

    request: dict[str, Any]
    steps: tuple[Step, ...]
    findings: tuple[Finding, ...]

    @property
    def reasons_for_review(self) -> tuple[str, ...]:
        return tuple(f.text for f in self.findings if f.kind is FindingKind.REVIEW)

    @property
    def needs_review(self) -> bool:
        return any(f.kind is FindingKind.REVIEW for f in self.findings)


def _day(when: date) -> str:
    return f"{when:%d/%m/%Y}"


def _pence(rules: RuleSet, rule: str) -> int | None:
    try:
        return rules.pence(rule)
    except RuleError:
        return None


def _fully_disregarded(item: IncomeItem) -> bool:
    """Disregarded in full by Annex C, so its amount cannot change the charge."""
    if item.type is IncomeType.OTHER:
        return item.treatment is Treatment.DISREGARDED
    return TREATMENT[item.type][1] is Kind.DISREGARDED


class _Uprater:
    def __init__(self, book: RuleBook, old: date, new: date, *, couple: bool) -> None:
        self.old, self.new, self.couple = old, new, couple
        self.rules_old, self.rules_new = book.as_at(old), book.as_at(new)
        self.steps: list[Step] = []
        self.findings: list[Finding] = []

    def add(self, kind: FindingKind, where: str, text: str) -> None:
        self.findings.append(Finding(kind, where, text))

    def income(self, raw: dict[str, Any], item: IncomeItem, where: str) -> None:
        what = name(item)
        amount = pounds(item.weekly)
        rules = RATE_RULES.get(item.type)
        if rules is not None:
            problem = self._by_rule(raw, item, where, what, rules)
            if problem is None:
                return
        else:
            problem = "the rules hold no rate for it, so the new amount is individual"
        if _fully_disregarded(item):
            reference = TREATMENT[item.type][2]
            self.add(
                FindingKind.CARRIED,
                where,
                f"{what} ({amount} a week) carried over unchanged: it is disregarded in full, "
                f"so it cannot change the charge ({reference})",
            )
        elif item.type is IncomeType.PENSION_CREDIT_GUARANTEE:
            self.add(FindingKind.REVIEW, where, self._guarantee_credit(what, amount))
        else:
            self.add(
                FindingKind.REVIEW,
                where,
                f"{what} ({amount} a week): {problem}; confirm the amount from {_day(self.new)}",
            )

    def _by_rule(
        self,
        raw: dict[str, Any],
        item: IncomeItem,
        where: str,
        what: str,
        rules: Mapping[Rate | None, str],
    ) -> str | None:
        """Uprate by the rule for the item's rate, or say why not (the reason, for review)."""
        if item.rate is not None:
            rule = rules[item.rate]
            then = _pence(self.rules_old, rule)
            if then is None:
                return f"the rules have no {item.rate.value} rate on {_day(self.old)}"
            if then != item.weekly:
                return (
                    f"it is not the {item.rate.value} rate on {_day(self.old)} ({pounds(then)}), "
                    "so it may be a part rate or a protected payment"
                )
        else:
            matching = [r for r in rules.values() if _pence(self.rules_old, r) == item.weekly]
            if not matching:
                full = " or ".join(
                    pounds(value)
                    for value in (_pence(self.rules_old, r) for r in rules.values())
                    if value is not None
                )
                if not full:
                    return f"the rules have no rate for it on {_day(self.old)}"
                return (
                    f"it is not the full rate on {_day(self.old)} ({full}), so it may be a part "
                    "rate or a protected payment"
                )
            if len(matching) > 1:
                return "it matches more than one rate; record which rate is paid"
            rule = matching[0]
        entry = self.rules_new.entry(rule)
        assert isinstance(entry.value, int)
        raw["weekly"] = to_decimal_string(entry.value)
        reference = rule_reference(entry)
        label = what + UNVERIFIED if entry.unverified else what
        self.steps.append(
            Step(where, label, item.weekly, entry.value, reference, rule, entry.effective_from)
        )
        self.add(
            FindingKind.UPRATED,
            where,
            f"{label}: {pounds(item.weekly)} becomes {pounds(entry.value)} a week from "
            f"{_day(entry.effective_from)} ({reference})",
        )
        return None

    def _guarantee_credit(self, what: str, amount: str) -> str:
        couple = self.couple
        rule = STANDARD_MINIMUM_GUARANTEE[couple]
        before, after = _pence(self.rules_old, rule), _pence(self.rules_new, rule)
        hint = ""
        if before is not None and after is not None:
            who = "a couple" if couple else "a single person"
            hint = (
                f" (the standard minimum guarantee for {who} goes from {pounds(before)} to "
                f"{pounds(after)})"
            )
        return (
            f"{what} ({amount} a week): guarantee credit is worked out on the person's other "
            f"income, so the rules cannot say what it becomes{hint}; confirm the new award "
            f"from {_day(self.new)}"
        )

    def person(self, raw: dict[str, Any], parsed: AssessmentRequest) -> None:
        person = parsed.person
        born = person.date_of_birth
        if born is None:
            self.add(
                FindingKind.REVIEW,
                "person.age",
                f"the assessment gives an age ({person.age}) but no date of birth, so the "
                f"age on {_day(self.new)} is not known; record the date of birth",
            )
            return
        if raw.get("age") is not None:
            raw["age"] = age_on(born, self.new)
        reached = pension_credit_qualifying_date(born)
        if person.pension_credit_age is False and has_reached(born, self.new):
            self.add(
                FindingKind.REVIEW,
                "person.pension_credit_age",
                f"recorded as under Pension Credit age, but the person reaches it on "
                f"{_day(reached)}; check their age and income",
            )
        elif person.pension_credit_age is None and self.old < reached <= self.new:
            self.add(
                FindingKind.REVIEW,
                "person.date_of_birth",
                f"the person reached Pension Credit age on {_day(reached)}, after the last "
                "assessment: their income has probably changed (State Pension, Pension "
                "Credit); check it",
            )

    def overrides(self, raw: Mapping[str, Any]) -> None:
        for key, value in raw.items():
            if value is not None:
                self.add(
                    FindingKind.REVIEW,
                    f"overrides.{key}",
                    f"an officer fixed {OVERRIDDEN.get(key, key)} at £{value} instead of the "
                    f"figure in the rules; check it for {_day(self.new)}",
                )

    def cost_of_care(self, request: dict[str, Any], old: int | None, new: int) -> None:
        if old is None and new == 0:
            return  # no figure before, and none from the care packages now
        request["weekly_cost_of_care"] = to_decimal_string(new)
        if new == 0:
            self.add(
                FindingKind.REVIEW,
                "weekly_cost_of_care",
                f"no means-tested care is running on {_day(self.new)} (the weekly cost of care "
                "would be £0.00): check whether the care has ended",
            )
        if old != new:
            source = f"the person's means-tested care packages on {_day(self.new)}"
            self.steps.append(
                Step("weekly_cost_of_care", "Weekly cost of care", old or 0, new, source)
            )
            self.add(
                FindingKind.UPRATED,
                "weekly_cost_of_care",
                f"Weekly cost of care: {pounds(old or 0)} becomes {pounds(new)} ({source})",
            )

    def carried(self, parsed: AssessmentRequest) -> None:
        if parsed.capital:
            total = sum(item.amount for item in parsed.capital)
            self.add(
                FindingKind.CARRIED,
                "capital",
                f"Capital carried over unchanged ({len(parsed.capital)} "
                f"{'item' if len(parsed.capital) == 1 else 'items'}, {pounds(total)}): "
                "capital is not uprated; its value is checked at the next review",
            )
        if parsed.housing:
            total = sum(cost.weekly for cost in parsed.housing)
            self.add(
                FindingKind.NOTE,
                "expenses.housing",
                f"Housing costs carried over unchanged ({pounds(total)} a week): rents and "
                "council tax usually change in April; check them at the next review",
            )
        if parsed.dre:
            total = sum(item.weekly for item in parsed.dre)
            self.add(
                FindingKind.NOTE,
                "expenses.dre",
                f"Disability-related expenditure carried over unchanged ({pounds(total)} a week)",
            )


def uprate(
    request: Mapping[str, Any],
    book: RuleBook,
    *,
    old_as_at: date,
    new_as_at: date,
    weekly_cost_of_care: int | None = None,
) -> Uprating:
    """The request as at ``new_as_at`` with every amount the rules can uprate uprated.

    ``weekly_cost_of_care`` (pence) is the figure from the care packages on the new date, when
    the caller has one; ``None`` keeps the request's. Raises :class:`UpratingError` when the
    request cannot be read or ``new_as_at`` is before ``old_as_at``.
    """
    if new_as_at < old_as_at:
        raise UpratingError(
            f"the uprating date {_day(new_as_at)} is before the assessment's date {_day(old_as_at)}"
        )
    try:
        parsed = parse_request(request)
    except AssessmentInputError as error:
        raise UpratingError(f"the assessment's request cannot be read: {error}") from None
    try:
        uprater = _Uprater(book, old_as_at, new_as_at, couple=parsed.person.has_partner)
    except RuleError as error:
        raise UpratingError(str(error)) from None
    new = copy.deepcopy(dict(request))
    new["as_at"] = new_as_at.isoformat()
    for index, item in enumerate(parsed.income):
        uprater.income(new["income"][index], item, f"income[{index}]")
    uprater.person(new["person"], parsed)
    uprater.overrides(new.get("overrides") or {})
    if weekly_cost_of_care is not None:
        uprater.cost_of_care(new, parsed.weekly_cost_of_care, weekly_cost_of_care)
    uprater.carried(parsed)
    try:
        parse_request(new)
    except AssessmentInputError as error:
        uprater.add(FindingKind.REVIEW, error.field, f"the uprated request is refused: {error}")
    return Uprating(new, tuple(uprater.steps), tuple(uprater.findings))
