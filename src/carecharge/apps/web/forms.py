"""GOV.UK Frontend classes for Django's form widgets.

Mix `GovUKFormMixin` into a form (before `forms.Form`) and every widget gets the GOV.UK class
for its kind, the error modifier when its field is invalid, and `aria-describedby` pointing at
the hint that `web/includes/field.html` renders.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import widgets

# Most specific first: Django's widget classes inherit from one another.
_CLASSES: tuple[tuple[type[forms.Widget], str, str], ...] = (
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input", ""),
    (forms.RadioSelect, "govuk-radios__input", ""),
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.ClearableFileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (widgets.Input, "govuk-input", "govuk-input--error"),
)


def govuk_classes(widget: forms.Widget) -> tuple[str, str]:
    """The GOV.UK class for a widget, and the class it adds when its field has an error."""
    for kind, css, error_css in _CLASSES:
        if isinstance(widget, kind):
            return css, error_css
    return "", ""


def _add_class(attrs: dict[str, Any], css: str) -> None:
    existing = str(attrs.get("class", "")).split()
    if css and css not in existing:
        attrs["class"] = " ".join([*existing, css])


class GovUKFormMixin:
    """Styles a Django form's widgets the GOV.UK way (use as `class F(GovUKFormMixin, Form)`)."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css, _ = govuk_classes(field.widget)
            _add_class(field.widget.attrs, css)
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}-hint")

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            _, error_css = govuk_classes(field.widget)
            _add_class(field.widget.attrs, error_css)
