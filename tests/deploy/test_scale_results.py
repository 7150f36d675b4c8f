"""tests/deploy/scale.py's bookkeeping, without a stack: the results file keeps each kill test's
section, and the order checks of the kill under load."""

from __future__ import annotations

from pathlib import Path

from tests.deploy.scale import (
    RESULTS_TITLE,
    out_of_order,
    record,
    sections_of,
    taken_twice_or_late,
)


def test_each_kill_test_replaces_only_its_own_section(tmp_path: Path) -> None:
    path = tmp_path / "results" / "scale.md"
    record(path, "mid-form", "| a |\n|---|\n| 1 |")
    record(path, "under load", "| b |\n|---|\n| 2 |")
    record(path, "mid-form", "| a |\n|---|\n| 3 |")
    text = path.read_text()
    assert text.startswith(RESULTS_TITLE)
    assert sections_of(text) == {
        "mid-form": "| a |\n|---|\n| 3 |",
        "under load": "| b |\n|---|\n| 2 |",
    }
    # A file in the old one-table form is replaced by the sections.
    path.write_text("# Scale-out kill test\n\n| old |\n")
    record(path, "under load", "new")
    assert sections_of(path.read_text()) == {"under load": "new"}


def test_questions_out_of_order_or_back_again_are_counted() -> None:
    usual = ["shop_name", "amount_lost", "story"]
    assert out_of_order([usual, usual, list(usual)]) == 0
    late = ["shop_name", "amount_lost", "shop_name", "story"]
    swapped = ["amount_lost", "shop_name", "story"]
    assert out_of_order([usual, usual, usual, late, swapped]) == 2


def test_a_message_rasa_took_twice_or_late_is_counted() -> None:
    def user(update: int | None, text: str) -> dict[str, object]:
        metadata = {} if update is None else {"update_id": update}
        return {"event": "user", "text": text, "metadata": metadata}

    clean = [user(1, "hi"), {"event": "bot"}, user(2, "a"), user(2, "/greet"), user(None, "x")]
    assert taken_twice_or_late(clean, "update_id") == 0
    assert taken_twice_or_late([*clean, user(2, "a")], "update_id") == 1
    assert taken_twice_or_late([*clean, user(1, "late")], "update_id") == 1
