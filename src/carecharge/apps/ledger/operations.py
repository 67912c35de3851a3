"""Writing to the ledger: opening accounts and posting transactions. This is the only way in.

Every transaction passes `core.ledger.check` here (on SQLite that is the balance guard; on
PostgreSQL triggers check again). Posted rows are never updated or deleted: a mistake is put
right by posting its reversal. Posting is idempotent by key: posting a transaction whose key is
already in the ledger returns what was posted, provided it is the same money; a different
transaction under a used key is a bug and is refused.

The ledger is its own record of who posted what and when (`posted_by`, `posted_at`, `source`),
so postings are not copied into the audit trail as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core import ledger as core

from . import writer
from .models import INCOME_CODE_MAX, AccountKind, LedgerAccount, LedgerTransaction, Posting

LOOKUP_CHUNK = 2_000
"""Keys or codes per lookup query (SQLite limits the number of parameters in one query)."""

SYSTEM_NAMES: dict[str, str] = {
    core.BANK: "Bank",
    core.SUSPENSE: "Suspense (receipts not yet matched)",
    core.WRITE_OFF: "Debts written off",
}

T = TypeVar("T")

# What makes two transactions under one key "the same": the date and the money on each account.
# Descriptions and memos may be worded differently by a later release without it being a bug.
Fingerprint = tuple[date, tuple[tuple[str, int], ...]]


# --- Accounts -------------------------------------------------------------------------------


def _open(code: str, *, name: str, kind: str, **party: Any) -> LedgerAccount:
    """Get the account with ``code``, opening it if it does not exist yet.

    Race-safe: two processes opening the same account both end up with the one row (the code is
    unique; the loser of the race reads the winner's row).
    """
    account = LedgerAccount.objects.filter(code=code).first()
    if account is None:
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(
                    code=code, name=name[:200], kind=kind, opened_at=timezone.now(), **party
                )
        except IntegrityError:
            account = LedgerAccount.objects.filter(code=code).first()
            if account is None:
                raise
    _refuse_another_party(account, kind, party)
    return account


def _refuse_another_party(account: LedgerAccount, kind: str, party: dict[str, Any]) -> None:
    """A code names one party's account for ever: refuse to hand it to anyone else."""
    same = account.kind == kind and all(
        getattr(account, f"{field}_id") == value.pk
        if field in {"person", "payer", "organisation"}
        else getattr(account, field) == value
        for field, value in party.items()
    )
    if not same:
        raise core.LedgerError(
            f"Ledger account {account.code} already exists for something else "
            f"({account.get_kind_display().lower()} account {account.name!r})"
        )


def account_for_person(person: ServiceUser) -> LedgerAccount:
    """The service user's debtor account, ``D-<account reference>``."""
    return _open(
        core.person_code(person.account_reference),
        name=f"Service user {person.account_reference}",
        kind=AccountKind.DEBTOR,
        person=person,
    )


def accounts_for_people(people: Iterable[ServiceUser]) -> dict[int, LedgerAccount]:
    """Each service user's debtor account, by the person's id, opening any not open yet.

    What `account_for_person` does for one person, in a few queries for many (a billing run
    posts to thousands at once). If another process opens one of the same accounts at the same
    moment, the accounts still missing are opened one at a time, as `account_for_person` does.
    """
    wanted = {core.person_code(p.account_reference): p for p in people}
    found: dict[int, LedgerAccount] = {}
    for chunk in _chunks(list(wanted), LOOKUP_CHUNK):
        for account in LedgerAccount.objects.filter(code__in=chunk):
            person = wanted[account.code]
            _refuse_another_party(account, AccountKind.DEBTOR, {"person": person})
            found[person.pk] = account
    missing = [(code, p) for code, p in wanted.items() if p.pk not in found]
    if not missing:
        return found
    now = timezone.now()
    opened = [
        LedgerAccount(
            code=code,
            name=f"Service user {p.account_reference}"[:200],
            kind=AccountKind.DEBTOR,
            person=p,
            opened_at=now,
        )
        for code, p in missing
    ]
    try:
        with transaction.atomic():
            LedgerAccount.objects.bulk_create(opened, batch_size=LOOKUP_CHUNK)
    except IntegrityError:
        for _, p in missing:
            found[p.pk] = account_for_person(p)
        return found
    for account, (_, p) in zip(opened, missing, strict=True):
        found[p.pk] = account
    return found


def account_for_payer(payer: ThirdPartyPayer) -> LedgerAccount:
    """A third-party (top-up) payer's debtor account, ``D-TP<id>``."""
    reference = (
        ServiceUser.objects.filter(pk=payer.person_id)
        .values_list("account_reference", flat=True)
        .first()
    )
    return _open(
        core.payer_code(payer.pk),
        name=f"Top-up payer {payer.pk} for service user {reference}",
        kind=AccountKind.DEBTOR,
        payer=payer,
    )


def account_for_organisation(organisation: Organisation) -> LedgerAccount:
    """An integrated care board's or another council's debtor account, ``D-ORG-<code>``."""
    return _open(
        core.organisation_code(organisation.code),
        name=organisation.name,
        kind=AccountKind.DEBTOR,
        organisation=organisation,
    )


def income_account(income_code: str, name: str = "") -> LedgerAccount:
    """The income account for a ledger income code (``"<cost centre>/<subjective>"``),
    ``I-<income code>``. ``name`` is used only when the account is first opened."""
    code = core.income_code(income_code)
    if len(income_code) > INCOME_CODE_MAX:
        raise core.LedgerError(f"Income code {income_code!r} is too long for the ledger")
    return _open(
        code,
        name=name.strip() or f"Income {income_code}",
        kind=AccountKind.INCOME,
        income_code=income_code,
    )


def system_account(kind: str) -> LedgerAccount:
    """The council's one bank (``BANK``), suspense (``SUSPENSE``) or write-off (``WRITEOFF``)
    account."""
    try:
        code = core.SYSTEM_CODES[core.AccountKind(kind)]
    except (ValueError, KeyError):
        allowed = ", ".join(k.value for k in core.SYSTEM_CODES)
        raise core.LedgerError(
            f"There is no single {kind!r} account; the system accounts are {allowed}"
        ) from None
    return _open(code, name=SYSTEM_NAMES[code], kind=kind)


# --- Posting --------------------------------------------------------------------------------


def _fingerprint(entry: core.Transaction) -> Fingerprint:
    return entry.effective_date, tuple(sorted((p.account, p.pence) for p in entry.postings))


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _posted(keys: Sequence[str]) -> dict[str, Fingerprint]:
    """What the ledger already holds under any of ``keys``."""
    found: dict[str, Fingerprint] = {}
    for chunk in _chunks(keys, LOOKUP_CHUNK):
        rows = LedgerTransaction.objects.filter(key__in=chunk).values_list(
            "pk", "key", "effective_date"
        )
        by_pk = {pk: (key, effective) for pk, key, effective in rows}
        lines: dict[int, list[tuple[str, int]]] = {pk: [] for pk in by_pk}
        for ids in _chunks(list(by_pk), LOOKUP_CHUNK):
            for transaction_id, code, pence in Posting.objects.filter(
                transaction_id__in=ids
            ).values_list("transaction_id", "account__code", "pence"):
                lines[transaction_id].append((code, pence))
        for pk, (key, effective) in by_pk.items():
            found[key] = (effective, tuple(sorted(lines[pk])))
    return found


def _refuse_reused_key(key: str, posted: Fingerprint, entry: core.Transaction) -> None:
    if posted != _fingerprint(entry):
        raise core.LedgerError(
            f"Transaction {key!r} was already posted with different postings or date; a key "
            f"names one transaction for ever (post a reversal and a new key to correct it)"
        )


def _account_ids(codes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(codes))
    ids: dict[str, int] = {}
    for chunk in _chunks(wanted, LOOKUP_CHUNK):
        ids.update(LedgerAccount.objects.filter(code__in=chunk).values_list("code", "pk"))
    missing = [code for code in wanted if code not in ids]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise core.LedgerError(
            f"No ledger account with code {shown}: open the account before posting to it"
        )
    return ids


def _user_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def post(entry: core.Transaction, *, actor: Any = None) -> LedgerTransaction:
    """Post one transaction in its own database transaction (or the caller's), or return the
    one already posted under its key.

    Raises `core.ledger.LedgerError` (nothing written) if the transaction fails the check, an
    account code does not exist, or the key was used for a different transaction.
    """
    core.check(entry)
    with transaction.atomic():
        found = LedgerTransaction.objects.filter(key=entry.key).first()
        if found is None:
            accounts = _account_ids(entry.accounts)
            try:
                with transaction.atomic():
                    ids = writer.write([entry], accounts, _user_id(actor), timezone.now())
                return LedgerTransaction.objects.get(pk=ids[entry.key])
            except IntegrityError:
                # Another process posted the same key between the look-up and the insert.
                found = LedgerTransaction.objects.filter(key=entry.key).first()
                if found is None:
                    raise
        _refuse_reused_key(entry.key, _posted([entry.key])[entry.key], entry)
        return found


def post_many(entries: Iterable[core.Transaction], *, actor: Any = None) -> int:
    """Post many transactions at once (a billing run), all or none; return how many were new.

    Each is checked as `post` checks it; keys already posted are skipped if the money is the
    same and refused otherwise. Runs inside the caller's atomic block if there is one (as a
    savepoint), so a refusal leaves the caller's other work to the caller to keep or undo.
    """
    unique: dict[str, core.Transaction] = {}
    for entry in entries:
        core.check(entry)
        seen = unique.setdefault(entry.key, entry)
        if seen is not entry and _fingerprint(seen) != _fingerprint(entry):
            raise core.LedgerError(
                f"Transaction {entry.key!r} appears twice in this batch with different postings"
            )
    if not unique:
        return 0
    try:
        return _post_new(unique, _user_id(actor))
    except IntegrityError:
        # Another process posted some of the same keys meanwhile: look again, once.
        return _post_new(unique, _user_id(actor))


def _post_new(unique: dict[str, core.Transaction], posted_by_id: int | None) -> int:
    with transaction.atomic():
        posted = _posted(list(unique))
        for key, fingerprint in posted.items():
            _refuse_reused_key(key, fingerprint, unique[key])
        new = [entry for key, entry in unique.items() if key not in posted]
        accounts = _account_ids(code for entry in new for code in entry.accounts)
        writer.write(new, accounts, posted_by_id, timezone.now())
        return len(new)
