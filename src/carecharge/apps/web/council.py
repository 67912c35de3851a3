"""The council this installation serves, from its local rules."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.conf import settings

from carecharge.core.rules import RuleBook, load_rules


@lru_cache(maxsize=1)
def rulebook() -> RuleBook:
    return load_rules(settings.RULES_DIR)


def council_name(on: date) -> str:
    return str(rulebook().as_at(on).get(f"local.{settings.CARECHARGE_COUNCIL}.council.name"))
