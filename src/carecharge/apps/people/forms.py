"""Forms for changing a service user's details and addresses."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from carecharge.apps.web.forms import GovUKFormMixin
from carecharge.core.identifiers import is_plausible_email, normalise_postcode

from .models import PreferredContact, PreferredFormat

_PHONE = re.compile(r"\+?[0-9 ()\-]{6,30}")

REASON_HELP = (
    "Say why, for example what the person or their family told you. This is kept in the history."
)


class ReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Reason for the change",
            help_text=REASON_HELP,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": "Enter the reason for the change",
                "max_length": "The reason must be 500 characters or fewer",
            },
            **kwargs,
        )


def _text(label: str, max_length: int, *, required: bool = False, **attrs: str) -> forms.CharField:
    messages = {"max_length": f"{label} must be {max_length} characters or fewer"}
    if required:
        messages["required"] = f"Enter the {label.lower()}"
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=max_length,
        required=required,
        error_messages=messages,
        widget=forms.TextInput(attrs=attrs),
    )


class PersonDetailsForm(GovUKFormMixin, forms.Form):
    title = _text("Title", 20, autocomplete="honorific-prefix")
    forename = _text("First name", 100, required=True, spellcheck="false")
    middle_names = _text("Middle names", 100, spellcheck="false")
    surname = _text("Last name", 100, required=True, spellcheck="false")
    phone = _text("Phone number", 30, type="tel")
    email = _text("Email address", 254, type="email", spellcheck="false")
    preferred_contact = forms.ChoiceField(
        label="How they prefer to be contacted", choices=PreferredContact.choices
    )
    preferred_format = forms.ChoiceField(
        label="Format for letters and invoices", choices=PreferredFormat.choices
    )
    preferred_language = _text("Language for letters", 40)
    reason = ReasonField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] += " govuk-input--width-5"
        self.fields["phone"].widget.attrs["class"] += " govuk-input--width-20"
        self.fields["preferred_language"].widget.attrs["class"] += " govuk-input--width-20"

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data["phone"]).strip()
        if phone and not _PHONE.fullmatch(phone):
            raise forms.ValidationError(
                "Enter a phone number, like 01632 960 001 or +44 7700 900 982"
            )
        return phone

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if email and not is_plausible_email(email):
            raise forms.ValidationError(
                "Enter an email address in the correct format, like name@example.com"
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("preferred_format") == PreferredFormat.OTHER_LANGUAGE and not data.get(
            "preferred_language"
        ):
            self.add_error(
                "preferred_language", "Enter the language, because letters go in another language"
            )
        needs: dict[str, str] = {PreferredContact.EMAIL: "email", PreferredContact.PHONE: "phone"}
        needed = needs.get(str(data.get("preferred_contact")))
        if needed and not data.get(needed) and needed not in self.errors:
            what = "an email address" if needed == "email" else "a phone number"
            self.add_error(needed, f"Enter {what}, or choose another way to contact them")
        return data

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class AddressForm(GovUKFormMixin, forms.Form):
    line_1 = _text("Address line 1", 100, required=True, autocomplete="address-line1")
    line_2 = _text("Address line 2", 100, autocomplete="address-line2")
    town = _text("Town or city", 60, autocomplete="address-level2")
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the postcode", "max_length": "Enter a real postcode"},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    reason = ReasonField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line_1"].error_messages["required"] = "Enter the first line of the address"
        self.fields["town"].widget.attrs["class"] += " govuk-!-width-two-thirds"
        self.fields["postcode"].widget.attrs["class"] += " govuk-input--width-10"

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(str(self.cleaned_data["postcode"]))
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like LS1 4AP")
        return postcode

    def values(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}
