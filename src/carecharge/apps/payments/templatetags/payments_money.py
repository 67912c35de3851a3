from typing import Any

from django import template

from carecharge.core.money import format_pounds

register = template.Library()


@register.filter
def pounds(pence: Any) -> str:
    """Pence as pounds; a figure missing from a kept report shows as a dash, not an error."""
    if isinstance(pence, bool) or not isinstance(pence, int):
        return "—"
    return format_pounds(pence)
