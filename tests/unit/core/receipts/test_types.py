"""Statement lines: stable ids, repeated lines kept apart, a bank id used twice refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from carecharge.core.receipts.types import StatementError, finish_lines, located
from tests.unit.core.receipts.helpers import line


def test_located_names_the_line_and_field_when_known() -> None:
    assert located(4, "amount", "no amount") == "line 4 (amount): no amount"
    assert located(4, None, "no amount") == "line 4: no amount"
    assert located(None, None, "The file is empty") == "The file is empty"


def test_a_lines_hash_id_is_the_same_every_time_it_is_read() -> None:
    assert line("CARE").transaction_id == line("CARE").transaction_id
    assert line("CARE").transaction_id != line("CARE ").transaction_id


def test_the_banks_id_is_the_transaction_id_where_given() -> None:
    assert line("CARE", bank_id="FP1").transaction_id == "FP1"


def test_identical_lines_are_numbered_and_lines_with_bank_ids_are_not() -> None:
    lines = finish_lines(
        [line("A"), line("B"), line("A"), line("A", bank_id="X1"), line("A", bank_id="X2")]
    )
    assert [item.occurrence for item in lines] == [0, 0, 1, 0, 0]
    assert len({item.transaction_id for item in lines}) == 5


def test_a_bank_id_used_twice_in_a_file_is_refused() -> None:
    first = line("A", bank_id="X1")
    second = replace(line("B", bank_id="X1"), line=9)
    with pytest.raises(StatementError) as caught:
        finish_lines([first, second])
    assert caught.value.problems == (
        "line 9 (transaction id): X1 is also the id of the transaction on line 1; a bank never "
        "gives two transactions the same id, so the file is damaged or two files were joined",
    )


def test_an_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        StatementError()
