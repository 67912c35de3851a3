"""The assessment edit screen: its forms, filled from a contract request and turned back into one.

Only what the screen asks about is replaced; everything else in the request (date of birth,
jurisdiction, policy, overrides) is kept as it was. Repeating sections have as many rows as the
officer has used plus a few blank ones; "Add another row" re-renders with one more, unsaved.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from carecharge.core.money import parse_pounds, to_decimal_string

from .forms import CircumstancesForm
from .operations import DeferredPayment
from .rows import CapitalRow, DreRow, HousingRow, IncomeRow, RowForm

BLANK_ROWS = 2
MAX_ROWS = 60


@dataclass(frozen=True)
class Kind:
    prefix: str
    title: str
    form: type[RowForm]
    path: str  # where the rows live in the contract request


KINDS: tuple[Kind, ...] = (
    Kind("income", "Income", IncomeRow, "income"),
    Kind("capital", "Capital", CapitalRow, "capital"),
    Kind("housing", "Housing costs", HousingRow, "expenses.housing"),
    Kind("dre", "Disability-related expenditure", DreRow, "expenses.dre"),
)
_PERSON = ["has_partner", "partner_in_home", "lone_parent", "night_care_provided"]
_CONTRACT_PATH = re.compile(r"(?:expenses\.)?(\w+)\[(\d+)\]\.(\w+)|(?:person\.|property\.)?(\w+)")


@dataclass
class Section:
    kind: Kind
    forms: list[RowForm]

    @property
    def labels(self) -> list[str]:
        return [str(field.label) for field in self.kind.form.base_fields.values()]


def _rows(request: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    value: Any = request
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return [dict(row) for row in value or [] if isinstance(row, Mapping)]


def _percent(share: Any) -> str:
    try:
        return f"{(Decimal(str(share)) * 100).normalize():f}" if share is not None else ""
    except InvalidOperation:
        return ""


def _row_initial(prefix: str, row: dict[str, Any]) -> dict[str, Any]:
    if prefix == "capital":
        return {**row, "joint": bool(row.get("joint")), "share": _percent(row.get("share"))}
    return {**row, "joint": bool(row.get("joint"))}


def _main_initial(request: Mapping[str, Any]) -> dict[str, Any]:
    person = request.get("person") or {}
    place = request.get("property") or {}
    admitted = place.get("first_permanent_admission")
    return {
        **{name: bool(person.get(name)) for name in _PERSON},
        "dependent_children": person.get("dependent_children") or 0,
        "premiums": list(person.get("premiums") or []),
        "first_permanent_admission": date.fromisoformat(admitted) if admitted else None,
        "occupied_by_qualifying_relative": bool(place.get("occupied_by_qualifying_relative")),
        "weekly_cost_of_care": request.get("weekly_cost_of_care") or "",
    }


def _raw(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound form, unvalidated, to show it again."""
    return {name: form[name].value() for name in form.fields}


class AssessmentEditor:
    def __init__(self, main: CircumstancesForm, sections: list[Section]) -> None:
        self.main = main
        self.sections = sections

    @classmethod
    def from_request(
        cls,
        request: Mapping[str, Any],
        *,
        setting: str,
        rows: Mapping[str, list[dict[str, Any]]] | None = None,
        main: Mapping[str, Any] | None = None,
        deferred: DeferredPayment | None = None,
    ) -> AssessmentEditor:
        """Unbound forms showing a saved request (or, on "Add another row", what was typed).
        ``deferred`` is the draft's deferred payment agreement, kept beside the request."""
        sections = []
        for kind in KINDS:
            if rows is not None:
                initial = list(rows.get(kind.prefix, []))
            else:
                filled = _rows(request, kind.path)
                initial = [_row_initial(kind.prefix, r) for r in filled] + [{}] * BLANK_ROWS
            forms_ = [
                kind.form(initial=row, prefix=f"{kind.prefix}-{i}")
                for i, row in enumerate(initial[:MAX_ROWS])
            ]
            sections.append(Section(kind, forms_))
        first = main if main is not None else _main_initial(request)
        if main is None and deferred is not None:
            allowance = deferred.allowance_pence
            first = {
                **first,
                "deferred_payment_agreement": deferred.in_place,
                "disposable_income_allowance": (
                    to_decimal_string(allowance) if allowance is not None else ""
                ),
            }
        return cls(CircumstancesForm(initial=first, setting=setting), sections)

    @classmethod
    def from_post(cls, data: Mapping[str, Any], *, setting: str) -> AssessmentEditor:
        sections = []
        for kind in KINDS:
            try:
                count = min(max(int(data.get(f"{kind.prefix}-rows", 0)), 0), MAX_ROWS)
            except (TypeError, ValueError):
                count = 0
            forms_ = [kind.form(data, prefix=f"{kind.prefix}-{i}") for i in range(count)]
            sections.append(Section(kind, forms_))
        return cls(CircumstancesForm(data, setting=setting), sections)

    def with_another_row(self, prefix: str, *, setting: str) -> AssessmentEditor:
        """The same screen, unsaved and without error messages, with one more blank row."""
        rows = {s.kind.prefix: [_raw(f) for f in s.forms] for s in self.sections}
        if prefix in rows:
            rows[prefix].append({})
        return self.from_request({}, setting=setting, rows=rows, main=_raw(self.main))

    def is_valid(self) -> bool:
        valid = self.main.is_valid()
        for section in self.sections:
            for form in section.forms:
                valid = form.is_valid() and valid
        return valid

    def request(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        """The saved request with what this screen asks about replaced. Call after is_valid."""
        body = copy.deepcopy(dict(saved))
        data = self.main.cleaned_data
        body["person"] = {
            **(body.get("person") or {}),
            **{name: bool(data[name]) for name in _PERSON},
            "dependent_children": data["dependent_children"],
            "premiums": list(data["premiums"]),
        }
        admitted = data["first_permanent_admission"]
        body["property"] = {
            **(body.get("property") or {}),
            "first_permanent_admission": admitted.isoformat() if admitted else None,
            "occupied_by_qualifying_relative": bool(data["occupied_by_qualifying_relative"]),
        }
        body["weekly_cost_of_care"] = data["weekly_cost_of_care"]
        rows = {
            s.kind.prefix: [f.row() for f in s.forms if not f.cleaned_data.get("blank")]
            for s in self.sections
        }
        body["income"], body["capital"] = rows["income"], rows["capital"]
        body["expenses"] = {
            **(body.get("expenses") or {}),
            "housing": rows["housing"],
            "dre": rows["dre"],
        }
        return body

    def deferred_payment(self) -> DeferredPayment | None:
        """The deferred payment agreement as answered, or None where it is not asked (every
        setting but a permanent care home). Call after is_valid."""
        if "deferred_payment_agreement" not in self.main.fields:
            return None
        data = self.main.cleaned_data
        allowance = data.get("disposable_income_allowance")
        return DeferredPayment(
            in_place=bool(data["deferred_payment_agreement"]),
            allowance_pence=parse_pounds(allowance) if allowance else None,
        )

    def errors(self) -> list[dict[str, str]]:
        """Every error, in page order, with the id of the field it belongs to."""
        found = form_problems(self.main)
        for section in self.sections:
            for number, form in enumerate(section.forms, start=1):
                found += form_problems(form, f"{section.kind.title} row {number}: ")
        return found

    def contract_problem(self, message: str) -> dict[str, str]:
        """An engine refusal ("income[0].rate: is not used ...") for the error summary, in the
        screen's words and linking to the field it names."""
        path, _, rest = message.partition(":")
        match = _CONTRACT_PATH.fullmatch(path.strip())
        field: forms.BoundField | None = None
        where = ""
        if match is not None and match.group(1) is not None:
            prefix, index, name = match.group(1), int(match.group(2)), match.group(3)
            for section in self.sections:
                forms_ = section.forms
                if (
                    section.kind.prefix == prefix
                    and index < len(forms_)
                    and name in forms_[index].fields
                ):
                    field = forms_[index][name]
                    where = f"{section.kind.title} row {index + 1}, {str(field.label).lower()}"
        elif match is not None and match.group(4) in self.main.fields:
            field = self.main[match.group(4)]
            where = str(field.label)
        if field is None:
            return {"text": message, "href": "#main-content"}
        return {"text": f"{where}:{rest}", "href": f"#{_anchor(field)}"}


def _anchor(field: forms.BoundField) -> str:
    return field.id_for_label or f"{field.auto_id}_0"


def form_problems(form: forms.Form, before: str = "") -> list[dict[str, str]]:
    """A form's errors for the error summary, each linking to its field."""
    found = [{"text": f"{before}{e}", "href": "#main-content"} for e in form.non_field_errors()]
    found += [
        {"text": f"{before}{error}", "href": f"#{_anchor(field)}"}
        for field in form
        for error in field.errors
    ]
    return found
