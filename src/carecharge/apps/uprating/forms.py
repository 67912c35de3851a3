"""Forms for the uprating screens: the date of a new run, and closing an item by hand."""

from __future__ import annotations

from typing import Any

from django import forms

from carecharge.apps.assessments.forms import DateField
from carecharge.apps.web.forms import GovUKFormMixin

from .models import ItemStatus


class StartForm(GovUKFormMixin, forms.Form):
    from_date = DateField(label="The date the new figures take effect")

    def __init__(self, *args: Any, hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_date"].help_text = hint


class ResolveForm(GovUKFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=[
            (ItemStatus.RESOLVED.value, "I revised the person's assessment by hand"),
            (ItemStatus.SKIPPED.value, "Leave the person's current assessment as it is"),
        ],
        error_messages={"required": "Choose what happened"},
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: new occupational pension amount confirmed from the award letter.",
        error_messages={"required": "Say what was done, or why the person is left as they are"},
    )


class FilterForm(forms.Form):
    """The preview table's filter (read from the query string; bad values are ignored)."""

    status = forms.ChoiceField(
        required=False, choices=[("", "Everyone"), *ItemStatus.choices], label="Status"
    )
    q = forms.CharField(required=False, max_length=100, label="Name or account reference")
