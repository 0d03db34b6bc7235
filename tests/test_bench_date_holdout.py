"""bench.date_holdout scores publication days on a set in htmldate's evaluation format: pages written
here, so that what it counts (stored pages, the local and the UTC day, htmldate alone, the halves) is
checked on known answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.corpora import half_of
from bench.date_holdout import DatedPage, dated_entries, half_in, main, miss_lines, summary_lines

STORY = " ".join(["The council voted on Tuesday to extend the harbour wall by two hundred metres."] * 12)


def article(published: str, extra: str = "") -> str:
    return f"""<html><head><title>Harbour wall</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Harbour wall",
"datePublished": "{published}"}}</script></head>
<body><article><h1>Harbour wall</h1>{extra}<p>{STORY}</p><p>{STORY}</p></article></body></html>"""


@pytest.fixture
def evalset(tmp_path: Path) -> tuple[Path, Path]:
    html = tmp_path / "html"
    html.mkdir()
    (html / "local.html").write_text(article("2024-03-05T23:30:00-05:00"))  # the 6th in UTC
    (html / "plain.html").write_text(article("2024-03-05T10:00:00+00:00"))
    (html / "nodate.html").write_text("<html><body><p>Not found</p></body></html>")
    entries = {
        "https://news.example/local": {"file": "local.html", "date": "2024-03-05"},
        "https://news.example/utc": {"file": "local.html", "date": "2024-03-06"},
        "https://news.example/plain": {"file": "plain.html", "date": "2024-03-07"},
        "https://news.example/nodate": {"file": "nodate.html", "date": "2024-03-05"},
        "https://news.example/undated": {"file": "plain.html", "date": float("nan")},
        "https://news.example/missing": {"file": "absent.html", "date": "2024-03-05"},
    }
    data = tmp_path / "eval.json"
    data.write_text(json.dumps(entries))
    return data, html


def test_only_pages_with_a_reference_day_and_a_file_are_scored(evalset: tuple[Path, Path]) -> None:
    data, html = evalset
    urls = [url for url, _, _ in dated_entries(json.loads(data.read_text()), html)]
    assert urls == ["https://news.example/local", "https://news.example/nodate", "https://news.example/plain",
                    "https://news.example/utc"]


def test_the_local_day_is_right_and_the_utc_day_counts_only_as_either_day(
        evalset: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, html = evalset
    out = tmp_path / "out.json"
    assert main([str(data), str(html), "--name", "t", "--out", str(out), "--workers", "1"]) == 0
    pages = {p["url"].rsplit("/", 1)[1]: DatedPage(**p) for p in json.loads(out.read_text())}
    assert pages["local"].local_day == "2024-03-05" and pages["local"].utc_day == "2024-03-06"
    assert pages["local"].right and not pages["utc"].right and pages["utc"].right_either_day
    assert not pages["plain"].right and not pages["plain"].right_either_day
    assert not pages["nodate"].stored
    assert all(p.half == half_of("t", p.url) for p in pages.values())
    summary = capsys.readouterr().out
    assert "all    stored   3 of   4  newsflow 0.333 (1)  either day 0.667" in summary


def test_misses_list_one_half_only() -> None:
    pages = [DatedPage(f"https://x.example/{i}", half, "2024-01-02", True, "2024-01-01", None, None, None)
             for i, half in enumerate(("tune", "report", "tune"))]
    assert len(miss_lines(pages, "tune")) == 2 and len(miss_lines(pages, "report")) == 1
    assert summary_lines(pages)[0].startswith("tune   stored   2 of   2  newsflow 0.000 (0)")


@pytest.mark.parametrize("tool", ["bench.holdout", "bench.date_holdout", "bench.starts"])
def test_a_wrong_path_is_one_line_and_exit_2(tool: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    listing = tmp_path / "set.json"
    listing.write_text("{}")
    program = importlib.import_module(tool)
    assert program.main([str(tmp_path / "missing.json"), str(tmp_path)]) == 2
    assert program.main([str(listing), str(tmp_path / "no-such-folder")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "missing.json is not a file" in lines[0] and "no-such-folder is not a folder" in lines[1]
    assert all(line.startswith(f"python -m {tool}: ") for line in lines)


def test_trafdates_is_split_as_the_text_blind_set_it_sits_in() -> None:
    """bench/README.md: a trafdates page is on the side the text hold-out (`half_of("holdout", key)`) puts it, by its
    key there, which the builder keeps as `split_key` where it trimmed the URL. The two pages are chosen so that the
    set's own hash, or the trimmed URL, would put them on the other side."""
    assert half_in("trafdates", "https://news.example/story-0", {}) == half_of("holdout", "https://news.example/story-0")
    assert half_of("trafdates", "https://news.example/story-0") != half_of("holdout", "https://news.example/story-0")
    trimmed = "https://news.example/trimmed-1"
    assert half_in("trafdates", trimmed, {"split_key": trimmed + " "}) == half_of("holdout", trimmed + " ") == "report"
    assert half_of("holdout", trimmed) != "report"
    assert half_in("bbaw", trimmed, {}) == half_of("bbaw", trimmed)  # another set keeps its own split
