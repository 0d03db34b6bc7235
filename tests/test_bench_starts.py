"""bench/starts.py's scores: where the expected first words are in a text, compared folded."""

from __future__ import annotations

from bench.starts import folded, start_scores, words_before


def test_folding_ignores_case_punctuation_and_the_joins_mercury_glues() -> None:
    assert folded("Hello, World!  It's") == folded("hello world its")
    assert words_before("End of the lead.\nNext paragraph starts here", "lead.Next paragraph") == 3


def test_words_before_counts_what_was_stored_ahead_of_the_story() -> None:
    text = "Published\nThe harbour board voted on Monday to close the pier."
    assert words_before(text, "The harbour board voted") == 1
    assert start_scores(text, "The harbour board voted") == {"starts": False, "found": True, "before": 1}
    assert start_scores(text[10:], "The harbour board voted") == {"starts": True, "found": True, "before": 0}


def test_a_dash_alone_is_no_word_and_missing_words_are_none() -> None:
    assert words_before("- Yun Che did not think much", "Yun Che did") == 0
    assert start_scores("Another story entirely", "Yun Che did") == {"starts": False, "found": False, "before": None}
    assert words_before("anything", "—") is None
