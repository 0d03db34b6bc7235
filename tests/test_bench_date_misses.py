"""`bench.date_misses` still records htmldate's answer per page (review of the thirty-fifth pass: it patched
`newsflow.extract.published_at`, which the split into `newsflow.extractdates` had removed, and failed at its start)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from bench.corpora import CorpusPage
from bench.date_misses import htmldate_answers

PAGE = ('<html lang="en"><head><title>A story</title><meta property="article:published_time" '
        'content="2026-03-12T10:00:00+00:00"></head><body><article><h1>A story</h1>'
        + "<p>The council voted on the budget on Thursday after a long debate about the town's roads. </p>" * 6
        + "</article></body></html>")


def test_htmldate_answers_records_each_pages_htmldate_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    page = CorpusPage("set", "key", PAGE, "https://news.example.org/a-story")
    answers = htmldate_answers([page], "tune")
    assert answers["set/key"]["htmldate"] is not None and answers["set/key"]["htmldate"].startswith("2026-03-12")
    assert answers["set/key"]["article"] is True
    assert (tmp_path / "newsflow-htmldate-tune.json").is_file()


IMAGE_PAGE = ('<html lang="en"><head><title>A story</title><meta property="og:image" '
              'content="https://cdn.example.org/uploads/2026/03/10/council-photo.jpg"></head><body><article>'
              '<h1>A story</h1><img src="https://cdn.example.org/uploads/2026/03/10/council-photo.jpg">'
              + "<p>The council voted on the budget on Thursday after a long debate about the town's roads. </p>" * 6
              + "</article></body></html>")


def test_htmldate_answers_keeps_htmldates_first_answer_when_the_rules_date_the_page_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # thirty-sixth pass: a page dated only by an image's URL is dated again without it (`_past_the_photos_day`);
    # the recorder kept that second call's value (None here), not htmldate's answer for the page
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    answers = htmldate_answers([CorpusPage("set", "key", IMAGE_PAGE, "https://news.example.org/a-story")], "tune")
    assert str(answers["set/key"]["htmldate"]).startswith("2026-03-10")


def test_the_listers_day_is_the_day_extraction_stores() -> None:
    from bench.date_misses import stored_day

    from newsflow.extract import extract_article, page_tree

    article = extract_article(PAGE, "https://news.example.org/a-story")
    assert article is not None
    assert stored_day("2026-03-12T10:00:00+00:00", page_tree(PAGE), "https://news.example.org/a-story") == \
        article.published_date
