"""`python -m bench.identity check` names each page whose saved fields changed, and only those."""

from __future__ import annotations

from bench.identity import differences


def test_a_field_added_since_the_save_is_no_difference_but_a_changed_one_is() -> None:
    saved = {"a": {"text": "x", "date": "2026-01-01"}, "b": {"text": "y"}, "c": None}
    now = {"a": {"text": "x", "date": "2026-01-01", "update_printed": ""}, "b": {"text": "z", "new": "1"}, "c": None}
    assert differences(saved, now) == ["b: text: y -> z"]


def test_a_page_missing_or_failing_now_is_a_difference() -> None:
    assert differences({"a": {"text": "x"}}, {"a": None}) == ["a: {'text': 'x'} -> None"]
    assert differences({"a": {"text": "x"}}, {}) == ["a: {'text': 'x'} -> missing"]
