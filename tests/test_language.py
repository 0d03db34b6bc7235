"""The article's language: the declaration checked against the text (newsflow.language)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from newsflow import language
from newsflow.extractpool import ExtractorPool, PageToExtract
from newsflow.language import MIN_DETECT_WORDS, canonical_language, detect_language, resolve_language
from newsflow.models import ExtractedArticle
from newsflow.text import word_count

GERMAN = "Der Stadtrat hat am Dienstag nach einer langen Debatte über Schulen und Straßen den Haushalt beschlossen."
ENGLISH = "The city council approved the new budget on Tuesday after a long debate about schools and roads."


@pytest.mark.parametrize(
    ("code", "canonical"),
    [("en-GB", "en"), ("PT_br", "pt"), ("nb", "no"), ("nn-NO", "no"), ("iw", "he"), ("", None), (None, None)],
)
def test_codes_fold_to_one_primary_subtag(code: str | None, canonical: str | None) -> None:
    assert canonical_language(code) == canonical


def test_declared_and_detected_agreeing_is_both() -> None:
    assert resolve_language("de-AT", GERMAN, word_count(GERMAN)) == ("de", "both")


def test_no_declaration_is_detected_from_the_text() -> None:
    assert resolve_language(None, GERMAN, word_count(GERMAN)) == ("de", "detected")


def test_a_declaration_the_text_surely_contradicts_loses() -> None:
    # As on fundus's Zulu and Xhosa papers, whose template declares lang="en" on every page.
    assert resolve_language("en", GERMAN, word_count(GERMAN)) == ("de", "detected")


def test_too_little_text_keeps_the_declaration_unchecked() -> None:
    short = "Der Stadtrat tagte."
    assert word_count(short) < MIN_DETECT_WORDS
    assert detect_language(short, word_count(short)) == (None, 0.0)
    assert resolve_language("de", short, word_count(short)) == ("de", "declared")
    assert resolve_language(None, short, word_count(short)) == (None, None)


def test_an_unsure_detection_keeps_the_declaration() -> None:
    # Half English, half German: whichever the identifier says, it is not sure enough to overrule.
    mixed = f"{ENGLISH} {GERMAN}"
    detected, confidence = detect_language(mixed, word_count(mixed))
    if confidence >= 0.9:
        pytest.fail(f"the mixed sample was detected with confidence {confidence:.2f}; pick a harder one")
    declared = "de" if detected == "en" else "en"
    assert resolve_language(declared, mixed, word_count(mixed)) == (declared, "declared")


def model_load_counts(html: str, url: str) -> ExtractedArticle:
    """An extractor that reports, from inside a pool worker, how the language model got there."""
    from newsflow import language

    info = language._identifier.cache_info()
    return ExtractedArticle(text=f"{info.misses} {info.hits}")


def test_pool_workers_fork_with_the_language_model_already_loaded() -> None:
    # Loaded once in the forkserver (newsflow.extractpreload): the worker's own prepare call is a
    # cache hit, so a worker (and every replacement) starts without the ~0.9 s load.
    with ExtractorPool(workers=1, timeout=10, extractor=model_load_counts) as pool:
        [result] = pool.extract_many([PageToExtract("probe", "<p>x</p>", "https://news.example/")])
    assert result.article is not None
    assert result.article.text == "1 1"  # one load (before the fork), then one cached use


def test_without_room_to_unpack_the_model_detection_is_off_and_declarations_stand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # py3langid unpacks its model into the temporary folder; here that "folder" is a file.
    not_a_folder = tmp_path / "tmp-is-a-file"
    not_a_folder.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))  # no model kept there to map
    language._identifier.cache_clear()
    try:
        assert resolve_language("en", GERMAN, word_count(GERMAN)) == ("en", "declared")
        assert resolve_language(None, GERMAN, word_count(GERMAN)) == (None, None)
    finally:
        language._identifier.cache_clear()  # the next test loads the real model again
    [warning] = [r for r in caplog.records if r.name == "newsflow.language"]
    assert "language detection is off" in warning.getMessage()
    assert str(not_a_folder) in warning.getMessage()


FULL_TMP_SCRIPT = """
from newsflow.extract import extract_article
from newsflow.extractpool import ExtractorPool, PageToExtract
page = open({page!r}, encoding="utf-8").read()
with ExtractorPool(workers=1, timeout=20, extractor=extract_article) as pool:
    [result] = pool.extract_many([PageToExtract("p", page, "https://news.example/a")])
print(result.article.language, result.article.language_source, len(result.article.text.split()))
"""


def files_of_at_most_8_mib() -> None:
    """A full disk, as the unpacked model meets it: writes past 8 MiB fail (EFBIG; Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (8 << 20, 8 << 20))


def test_a_pool_that_cannot_unpack_the_model_still_extracts(tmp_path: Path) -> None:
    # The forkserver loads the model before any worker forks; that load failing used to break
    # the pool itself ("EOFError"), and with it every run's parsing and extraction.
    page = tmp_path / "page.html"
    paragraph = f"<p>{ENGLISH} {ENGLISH}</p>"
    page.write_text(
        f"<html lang='de'><head><title>Budget</title></head><body><article>{paragraph * 6}</article></body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-c", FULL_TMP_SCRIPT.format(page=str(page))],
        preexec_fn=files_of_at_most_8_mib,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty-cache")},  # the model is built, not mapped
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    language_code, source, words = done.stdout.split()
    assert (language_code, source) == ("de", "declared")  # undetected, so the declaration stands
    assert int(words) >= MIN_DETECT_WORDS  # enough text that detection would have overruled "de"
    assert "language detection is off" in done.stderr


def test_detection_reads_only_the_first_2000_characters() -> None:
    # A German opening of ~2,000 characters, then a longer English rest: only the opening is
    # read (its cost grows with the sample; 2,000 told every corpus page's language as 5,000 did).
    opening = " ".join([GERMAN] * (2000 // (len(GERMAN) + 1)))
    text = f"{opening} {' '.join([ENGLISH] * 40)}"
    assert detect_language(text, word_count(text))[0] == "de"
