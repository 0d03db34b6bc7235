"""The normal form of article text, its hash, word counts and token F1."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow.text import PARAGRAPH_SEPARATOR, content_hash, normalize_text, token_f1, word_count


def test_paragraph_separator_is_a_single_newline() -> None:
    assert PARAGRAPH_SEPARATOR == "\n"


def test_blank_line_runs_collapse_to_one_separator() -> None:
    assert normalize_text("First paragraph.\n\n\n\nSecond paragraph.\n \n\t\nThird.") == (
        "First paragraph.\nSecond paragraph.\nThird."
    )


def test_leading_and_trailing_blank_lines_are_removed() -> None:
    assert normalize_text("\n\n  \nBody text.\n\n \n") == "Body text."


def test_trailing_and_leading_whitespace_of_each_line_is_stripped() -> None:
    assert normalize_text("  indented line   \nnext line\t\t") == "indented line\nnext line"


def test_runs_of_spaces_tabs_and_no_break_spaces_collapse_to_one_space() -> None:
    assert normalize_text("a  b\t\tc\u00a0\u00a0d\u2009e\u3000f") == "a b c d e f"


def test_every_line_break_convention_splits_paragraphs() -> None:
    assert normalize_text("one\r\ntwo\rthree\u2028four\x0cfive") == "one\ntwo\nthree\nfour\nfive"


def test_invisible_characters_are_removed_but_joiners_kept() -> None:
    assert normalize_text("\ufeffcon\u00adtent\u200b here\u2060") == "content here"
    assert normalize_text("\u0915\u094d\u200d\u0937") == "\u0915\u094d\u200d\u0937"


def test_text_is_composed_to_nfc() -> None:
    assert normalize_text("Cafe\u0301") == "Caf\u00e9"


def test_whitespace_only_text_normalises_to_empty() -> None:
    assert normalize_text(" \n\t\u00a0\n") == ""


@given(st.text())
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_normal_form_has_no_blank_lines_nor_edge_whitespace(text: str) -> None:
    normal = normalize_text(text)
    assert "\n\n" not in normal
    assert normal == normal.strip()
    assert all(line == line.strip() and "  " not in line for line in normal.split("\n"))


def test_content_hash_is_sha256_of_the_normal_form() -> None:
    text = "Hello  world\n\n\nSecond\u00a0paragraph "
    expected = hashlib.sha256(b"Hello world\nSecond paragraph").hexdigest()
    assert content_hash(text) == expected


def test_content_hash_ignores_layout_but_not_words() -> None:
    assert content_hash("A story.\n\nMore.") == content_hash("  A  story.\r\nMore.\n")
    assert content_hash("A story. More.") != content_hash("A story. Less.")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("One two, three-four. 2026!", 5),
        ("Größere Änderungen", 2),
        ("北京大学", 4),
        ("U.S. forces", 3),
    ],
)
def test_word_count(text: str, count: int) -> None:
    assert word_count(text) == count


def test_token_f1_identical_texts_score_one_regardless_of_case_and_layout() -> None:
    assert token_f1("The Cat sat.\nOn the mat", "the cat sat on the mat") == 1.0


def test_token_f1_disjoint_texts_score_zero() -> None:
    assert token_f1("alpha beta", "gamma delta") == 0.0


def test_token_f1_counts_repeated_tokens_as_a_bag() -> None:
    # candidate: 4 tokens, reference: 2; overlap 2 -> precision 0.5, recall 1.0
    assert token_f1("news news news news", "news news") == pytest.approx(2 / 3)


def test_token_f1_of_empty_texts() -> None:
    assert token_f1("", "") == 1.0
    assert token_f1("", "something") == 0.0
    assert token_f1("something", "") == 0.0
