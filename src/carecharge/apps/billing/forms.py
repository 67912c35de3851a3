"""Forms for the billing run screens: the date a new run bills up to, the preview table's
filter, cancelling a run and releasing a held person."""

from __future__ import annotations

from typing import Any

from django import forms

from carecharge.apps.assessments.forms import DateField, GovUKForm

from .models import PersonStatus


class StartForm(GovUKForm):
    through = DateField(label="Bill up to")

    def __init__(self, *args: Any, hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["through"].help_text = hint


class FilterForm(forms.Form):
    """The preview table's filter (read from the query string; bad values are ignored)."""

    status = forms.ChoiceField(
        required=False, choices=[("", "Everyone"), *PersonStatus.choices], label="Status"
    )
    q = forms.CharField(required=False, max_length=100, label="Name or account reference")
    check = forms.CharField(required=False, max_length=40, label="Pre-flight check")


class CancelForm(GovUKForm):
    reason = forms.CharField(
        label="Why is the run cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: the wrong date was chosen; a run to 11 May 2025 replaces it.",
        error_messages={"required": "Say why the run is cancelled"},
    )


class ReleaseForm(GovUKForm):
    note = forms.CharField(
        label="What did you check?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: checked the backdated amount; payment plan offered.",
        error_messages={"required": "Say what was reviewed and whether a payment plan was offered"},
    )
