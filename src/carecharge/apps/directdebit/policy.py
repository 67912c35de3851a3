"""The council's Direct Debit set-up and policy, read from its local rules as at a date, and the
Bacs calendar's bank holidays.

The rules live in ``rules/local/<council>/directdebit/``: the Service User Number and the names
Bacs holds for it, the collection account, the advance notice periods, whether "refer to payer"
returns are presented again and how late, the instruction reference prefix and the line ending
of the files. A set-up that Bacs would refuse (a SUN that is not six digits, a name outside the
Bacs character set, an account failing the modulus check) is refused here, naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings

from carecharge.apps.web.council import rulebook
from carecharge.core.bacs.calendar import england_and_wales_bank_holidays
from carecharge.core.bacs.modulus import check_account
from carecharge.core.bacs.standard18 import BankAccount, text_problem
from carecharge.core.rules import RuleError

LINE_ENDINGS = {"CRLF": "\r\n", "LF": "\n"}


class DirectDebitError(ValueError):
    """A Direct Debit operation refused, with a message for the officer; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Policy:
    sun: str
    su_name: str
    originator: BankAccount
    notice_days: int
    representation_notice_days: int
    represent_refer_to_payer: bool
    represent_within_days: int
    reference_prefix: str
    line_ending: str


def _rule_name(name: str) -> str:
    return f"local.{settings.CARECHARGE_COUNCIL}.directdebit.{name}"


def policy_on(day: date) -> Policy:
    """The Direct Debit rules in force on ``day``."""
    try:
        rules = rulebook().as_at(day)
        text = {
            name: rules.text(_rule_name(name)).strip()
            for name in (
                "service_user_number",
                "service_user_name",
                "collection_sort_code",
                "collection_account_number",
                "collection_account_name",
                "reference_prefix",
                "file_line_ending",
            )
        }
        notice_days = rules.number(_rule_name("advance_notice_days"))
        representation_days = rules.number(_rule_name("representation_notice_days"))
        represent = rules.flag(_rule_name("represent_refer_to_payer"))
        within = rules.number(_rule_name("represent_within_days"))
    except RuleError as error:
        raise DirectDebitError(f"The Direct Debit rules are not set up: {error}") from None
    _refuse_bad_setup(text)
    return Policy(
        sun=text["service_user_number"],
        su_name=text["service_user_name"].upper(),
        originator=BankAccount(
            sort_code=text["collection_sort_code"].replace("-", ""),
            account_number=text["collection_account_number"],
            name=text["collection_account_name"].upper(),
        ),
        notice_days=int(notice_days),
        representation_notice_days=int(representation_days),
        represent_refer_to_payer=represent,
        represent_within_days=int(within),
        reference_prefix=text["reference_prefix"].upper(),
        line_ending=LINE_ENDINGS[text["file_line_ending"].upper()],
    )


def _refuse_bad_setup(text: dict[str, str]) -> None:
    problems = []
    sun = text["service_user_number"]
    if len(sun) != 6 or not sun.isdigit():
        problems.append(f"service_user_number: {sun!r} must be six digits")
    for name in ("service_user_name", "collection_account_name"):
        problem = text_problem(text[name].upper(), name)
        if problem:
            problems.append(problem)
    checked = check_account(text["collection_sort_code"], text["collection_account_number"])
    if not checked.valid:
        problems.append(
            f"collection_account_number: sort code {text['collection_sort_code']} and account "
            f"{text['collection_account_number']} fail the modulus check ({checked.reason})"
        )
    prefix = text["reference_prefix"].upper()
    if not (prefix.isascii() and (prefix.isalnum() or prefix == "")) or len(prefix) > 8:
        problems.append(f"reference_prefix: {prefix!r} must be up to 8 letters and digits")
    if text["file_line_ending"].upper() not in LINE_ENDINGS:
        problems.append(f"file_line_ending: {text['file_line_ending']!r} must be CRLF or LF")
    if problems:
        rules = f"rules/local/{settings.CARECHARGE_COUNCIL}/directdebit/"
        raise DirectDebitError(
            f"The Direct Debit rules in {rules} are wrong: " + "; ".join(problems)
        )


@lru_cache(maxsize=8)
def _holidays(first: int, last: int) -> frozenset[date]:
    return england_and_wales_bank_holidays(range(first, last + 1))


def bank_holidays(*days: date) -> frozenset[date]:
    """England and Wales bank holidays covering every date a calculation from ``days`` can reach
    (the year before the earliest to the year after the latest)."""
    years = [day.year for day in days]
    return _holidays(min(years) - 1, max(years) + 1)
