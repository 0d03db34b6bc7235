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
