"""Extraction of the hand-written fixture pages, and the worker pool's time limit and failures."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from newsflow import extractdates
from newsflow.extract import MIN_PARAGRAPH_WORDS, extract_article, is_article_text, parse_published_at
from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract
from newsflow.models import ExtractedArticle, Outcome
from newsflow.text import normalize_text

PAGES = Path(__file__).parent / "fixtures" / "pages"
FETCHED_FROM = "https://fetched.example/story?utm_source=rss"

# (file, snippets that must appear, boilerplate that must not)
GOLDEN = [
    (
        "centcom-syria-strikes-tribune.html",
        ["U.S. Central Command said in a statement on Saturday", "Gen. Michael Kurilla",
         "Pentagon spokesman Maj. Gen. Pat Ryder"],
        ["Subscribe for $1 a week", "Share this", "Reader comment", "All rights reserved", "Related stories",
         "Get the morning briefing", "Storm warnings issued"],
    ),
    (
        "centcom-syria-strikes-courier.html",
        ["U.S. Central Command said in a statement on Saturday", "ensure the enduring defeat"],
        ["Share this", "Like this", "Reader comment", "Leave a Reply", "Powered by WordPress", "Obituaries",
         "Most read", "School board delays vote"],
    ),
    (
        "city-council-budget.html",
        ["£42 million budget", "“Libraries are the last free, warm indoor spaces many people have,”",
         "£11 million gap by 2028"],
        ["Accept all cookies", "Share this article", "Reader comment", "Registered in England", "What's On"],
    ),
    (
        "heatwave-record-temperatures.html",
        ["hottest June day since measurements began", "Lindholm airfield", "37.7C (2019)",
         "flash flooding on ground baked hard"],
        ["Share this", "Reader comment", "Trending now", "independent, nonprofit newsroom", "Newsletters"],
    ),
    (
        "hochwasser-bayern.html",
        ["Höhe von 6,12 Metern", "„Wir rechnen damit, dass der Scheitel im Laufe des Sonntags erreicht wird“",
         "Rückhalteflächen zu schaffen"],
        ["Artikel teilen", "Leserkommentar", "Impressum", "Jetzt abonnieren"],
    ),
]
EMPTY_PAGE = "section-front-no-article.html"


def page_html(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def extract_fixture(name: str) -> ExtractedArticle:
    article = extract_article(page_html(name), FETCHED_FROM)
    assert article is not None, f"{name} came back empty"
    return article


@pytest.mark.parametrize(("name", "present", "absent"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_fixture_page_keeps_the_story_and_drops_boilerplate(name: str, present: list[str], absent: list[str]) -> None:
    text = extract_fixture(name).text
    for snippet in present:
        assert snippet in text
    for snippet in absent:
        assert snippet not in text


@pytest.mark.parametrize("name", [g[0] for g in GOLDEN])
def test_fixture_text_is_already_normalised(name: str) -> None:
    text = extract_fixture(name).text
    assert text == normalize_text(text)
    assert "\n\n" not in text
    assert text == text.strip()


def test_fixture_pages_are_between_250_and_600_words() -> None:
    for name, _, _ in GOLDEN:
        words = len(extract_fixture(name).text.split())
        assert 250 <= words <= 600, name


def test_page_without_an_article_extracts_to_nothing() -> None:
    assert extract_article(page_html(EMPTY_PAGE), FETCHED_FROM) is None


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>", "not html at all"])
def test_degenerate_input_extracts_to_nothing(html: str) -> None:
    assert extract_article(html, FETCHED_FROM) is None


def test_title_is_not_repeated_as_the_first_paragraph() -> None:
    article = extract_fixture("centcom-syria-strikes-tribune.html")
    assert article.title == "US forces strike Islamic State camps in central Syria, CENTCOM says"
    assert not article.text.startswith(article.title)


def test_wire_story_republished_elsewhere_extracts_to_nearly_the_same_text() -> None:
    tribune = extract_fixture("centcom-syria-strikes-tribune.html").text.split("\n")
    courier = extract_fixture("centcom-syria-strikes-courier.html").text.split("\n")
    assert tribune[:8] == courier[:8]


def test_metadata_from_json_ld_and_open_graph() -> None:
    article = extract_fixture("centcom-syria-strikes-tribune.html")
    assert article.author == "Maria Hollis"
    assert article.sitename == "The Daily Tribune"
    assert article.language == "en"
    assert article.page_canonical_url == "https://www.dailytribune.example/world/2026/03/14/us-strikes-syria-centcom"
    # htmldate prefers the date in the URL, which has no time of day; JSON-LD's time (09:30 -05:00) is on that day
    assert article.published_at == datetime(2026, 3, 14, 14, 30, tzinfo=UTC)
    assert article.published_date == date(2026, 3, 14)


def test_a_fault_in_the_date_readers_costs_the_date_not_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    """A month table's miss (KeyError: 'feb,') once lost wevolver.com's articles whole, as `extract_error`."""
    def faulty_date_reader(*args: object) -> None:
        raise KeyError("feb,")

    whole = extract_fixture("centcom-syria-strikes-tribune.html")
    monkeypatch.setattr(extractdates, "published_at", faulty_date_reader)
    article = extract_fixture("centcom-syria-strikes-tribune.html")
    assert article.text == whole.text and article.title == whole.title
    assert article.published_at is None and article.published_date is None


def test_published_time_with_offset_becomes_utc() -> None:
    article = extract_fixture("hochwasser-bayern.html")
    assert article.published_at == datetime(2026, 5, 30, 5, 45, tzinfo=UTC)
    assert article.language == "de"
    assert article.author == "Johanna Reiter"


def test_canonical_link_is_the_page_canonical_url() -> None:
    article = extract_fixture("city-council-budget.html")
    assert article.page_canonical_url == "https://www.northgatepost.example/news/local/council-budget-library-hours-8812"
    assert article.published_at == datetime(2026, 2, 26, 18, 5, tzinfo=UTC)
    assert article.title == "Council approves £42m budget with cuts to library hours"


def test_page_without_canonical_reports_none_not_the_fetched_url() -> None:
    article = extract_fixture("centcom-syria-strikes-courier.html")
    assert article.page_canonical_url is None
    assert article.published_at == datetime(2026, 3, 14, tzinfo=UTC)


def test_language_falls_back_to_content_language_meta() -> None:
    assert extract_fixture("centcom-syria-strikes-courier.html").language == "en"


NEWS_SENTENCES = {
    "en": "The city council approved the new budget on Tuesday after a long debate about schools and roads. ",
    "pt": "A câmara municipal aprovou o novo orçamento na terça-feira depois de um longo debate sobre escolas. ",
    "fr": "Le conseil municipal a approuvé le nouveau budget mardi après un long débat sur les écoles et les routes. ",
    "es": "El ayuntamiento aprobó el nuevo presupuesto el martes tras un largo debate sobre escuelas y carreteras. ",
    "de": "Der Stadtrat hat am Dienstag nach einer langen Debatte über Schulen und Straßen den Haushalt beschlossen. ",
}


@pytest.mark.parametrize(
    ("head", "text_language", "language", "source"),
    [
        ('<html lang="en-GB">', "en", "en", "both"),
        ('<html lang="PT_br">', "pt", "pt", "both"),
        ('<html xml:lang="fr">', "fr", "fr", "both"),
        ('<html lang="{{ lang }}"><head><meta property="og:locale" content="es_MX"></head>', "es", "es", "both"),
        ("<html>", "en", "en", "detected"),
        ('<html lang="en">', "de", "de", "detected"),  # a template's lang="en" on a German story
    ],
)
def test_declared_language_is_the_primary_subtag_checked_against_the_text(
    head: str, text_language: str, language: str, source: str
) -> None:
    body = "<body><article><p>" + NEWS_SENTENCES[text_language] * 3
    article = extract_article(head + body + "</p></article></body></html>", FETCHED_FROM)
    assert article is not None
    assert (article.language, article.language_source) == (language, source)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-14", datetime(2026, 3, 14, tzinfo=UTC)),
        ("2026-03-14T00:00:00", datetime(2026, 3, 14, tzinfo=UTC)),
        ("2026-03-14T09:30:00-0500", datetime(2026, 3, 14, 14, 30, tzinfo=UTC)),
        ("2026-03-14T09:30:00+0000", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("last Tuesday", None),
    ],
)
def test_parse_published_at_is_utc_aware(value: str | None, expected: datetime | None) -> None:
    assert parse_published_at(value) == expected


# --- the worker pool ------------------------------------------------------------------------
# Workers run these by reference, so they must be module-level functions. The URL says what to do.


def scripted_extractor(html: str, url: str) -> ExtractedArticle | None:
    if "sleep" in url:
        time.sleep(30)  # interrupted by the pool's SIGALRM long before this ends
    if "ignore-alarm" in url:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)  # only the backstop kill ends this
    if "raise" in url:
        raise ValueError("parser exploded")
    if "crash" in url:
        os._exit(3)
    return ExtractedArticle(text=f"{html} from {url}")


def scripted(key: str) -> PageToExtract:
    return PageToExtract(key=key, html=f"page {key}", url=f"https://example.test/{key}")


def outcomes(results: list[ExtractionResult]) -> list[tuple[str, Outcome]]:
    return [(result.key, result.outcome) for result in results]


def worker_pids() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.name == "newsflow-extract" and p.pid}


@pytest.fixture
def scripted_pool() -> Iterator[ExtractorPool]:
    with ExtractorPool(workers=2, timeout=0.2, grace=0.3, extractor=scripted_extractor) as pool:
        yield pool


def test_pool_returns_results_in_input_order(scripted_pool: ExtractorPool) -> None:
    keys = [f"page-{i}" for i in range(9)]
    results = scripted_pool.extract_many([scripted(key) for key in keys])
    assert [r.key for r in results] == keys
    assert all(r.outcome is Outcome.OK for r in results)
    assert results[4].article == ExtractedArticle(text="page page-4 from https://example.test/page-4")


def test_slow_page_times_out_and_the_batch_goes_on(scripted_pool: ExtractorPool) -> None:
    results = scripted_pool.extract_many([scripted("a"), scripted("sleep"), scripted("b"), scripted("c")])
    assert outcomes(results) == [
        ("a", Outcome.OK), ("sleep", Outcome.EXTRACT_TIMEOUT), ("b", Outcome.OK), ("c", Outcome.OK)
    ]
    slow = results[1]
    assert slow.article is None
    assert slow.error == "extraction took over 0.2 s"  # stopped by the alarm, not the backstop kill
    assert 150 <= slow.elapsed_ms < 2000


def test_worker_that_ignores_the_alarm_is_killed_and_replaced(scripted_pool: ExtractorPool) -> None:
    results = scripted_pool.extract_many([scripted("ignore-alarm"), scripted("after")])
    assert outcomes(results) == [("ignore-alarm", Outcome.EXTRACT_TIMEOUT), ("after", Outcome.OK)]
    assert results[0].error is not None and "killed" in results[0].error
    assert len(worker_pids()) == 2


def test_exception_in_extraction_is_an_error_outcome(scripted_pool: ExtractorPool) -> None:
    results = scripted_pool.extract_many([scripted("raise"), scripted("after")])
    assert outcomes(results) == [("raise", Outcome.EXTRACT_ERROR), ("after", Outcome.OK)]
    assert results[0].error == "ValueError: parser exploded"


def test_worker_that_dies_is_an_error_outcome_and_is_replaced() -> None:
    # A generous limit: no page here is slow, and under a loaded machine (load 6) the 0.2 s + 0.3 s
    # of `scripted_pool` let the backstop kill a replacement worker before it answered.
    with ExtractorPool(workers=2, timeout=10, grace=5, extractor=scripted_extractor) as pool:
        results = pool.extract_many([scripted("crash"), scripted("x"), scripted("y"), scripted("z")])
    assert outcomes(results) == [
        ("crash", Outcome.EXTRACT_ERROR), ("x", Outcome.OK), ("y", Outcome.OK), ("z", Outcome.OK)
    ]
    assert results[0].error == "extraction worker died (exit code 3)"


def test_workers_start_lazily_are_reused_and_stop_on_close() -> None:
    before = worker_pids()
    pool = ExtractorPool(workers=2, timeout=5, extractor=scripted_extractor)
    assert worker_pids() == before
    pool.extract_many([scripted("one")])
    started = worker_pids() - before
    assert len(started) == 2
    pool.extract_many([scripted("two"), scripted("three")])
    assert worker_pids() - before == started
    pool.close()
    assert worker_pids() & started == set()
    for pid in started:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    pool.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        pool.extract_many([scripted("late")])


def pid_extractor(html: str, url: str) -> ExtractedArticle | None:
    return ExtractedArticle(text=str(os.getpid()))


@pytest.mark.parametrize(("limit_mib", "workers_seen"), [(10_000.0, 1), (1.0, 6)])
def test_an_idle_worker_past_its_memory_limit_is_renewed(limit_mib: float, workers_seen: int) -> None:
    pids = []
    with ExtractorPool(workers=1, timeout=5, extractor=pid_extractor, worker_memory_mib=limit_mib) as pool:
        for batch in range(3):
            results = pool.extract_many([scripted(f"{batch}-{n}") for n in range(2)])
            assert [r.outcome for r in results] == [Outcome.OK] * 2
            pids += [r.article.text for r in results if r.article]
    assert len(pids) == 6
    assert len(set(pids)) == workers_seen  # every worker is over 1 MiB: a fresh one for every page


def test_empty_batch_returns_nothing(scripted_pool: ExtractorPool) -> None:
    assert scripted_pool.extract_many([]) == []


@pytest.mark.parametrize(("workers", "timeout"), [(0, 1.0), (2, 0.0)])
def test_pool_rejects_nonsense_settings(workers: int, timeout: float) -> None:
    with pytest.raises(ValueError):
        ExtractorPool(workers=workers, timeout=timeout)


def test_real_pathological_page_times_out_and_the_next_page_still_extracts() -> None:
    paragraph = "<div><p>Paragraph {} says something about the council and the budget of the city.</p></div>"
    huge = "<html><body><article>" + "".join(paragraph.format(i) for i in range(8000)) + "</article></body></html>"
    pages = [
        PageToExtract("huge", huge, "https://example.test/huge"),
        PageToExtract("council", page_html("city-council-budget.html"), FETCHED_FROM),
    ]
    with ExtractorPool(workers=1, timeout=0.5) as pool:
        results = pool.extract_many(pages)
    assert outcomes(results) == [("huge", Outcome.EXTRACT_TIMEOUT), ("council", Outcome.OK)]


def test_pool_extracts_fixture_pages_like_the_in_process_function() -> None:
    names = [g[0] for g in GOLDEN] + [EMPTY_PAGE]
    pages = [PageToExtract(name, page_html(name), FETCHED_FROM) for name in names]
    with ExtractorPool(workers=2, timeout=10) as pool:
        results = pool.extract_many(pages)
    assert [r.outcome for r in results] == [Outcome.OK] * len(GOLDEN) + [Outcome.EXTRACT_EMPTY]
    for result, page in zip(results, pages, strict=True):
        assert result.article == extract_article(page.html, page.url)
        assert result.error is None


MAIN_SCRIPT = '''
import os
import sys

from newsflow.extract import extract_article
from newsflow.extractpool import ExtractorPool, PageToExtract
from newsflow.models import ExtractedArticle

if __name__ != "__main__":  # a worker imported this file again as __mp_main__
    with open(os.environ["MAIN_IMPORTED_MARKER"], "a") as marker:
        marker.write(f"{os.getpid()}\\n")


def own_extractor(html, url):
    return ExtractedArticle(text="from __main__")


if __name__ == "__main__":
    extractor = own_extractor if sys.argv[1] == "own" else extract_article
    page = PageToExtract("a", "<html><body><article><p>" + "word " * 80 + "</p></article></body></html>", "https://x.test/a")
    with ExtractorPool(workers=1, timeout=10, extractor=extractor) as pool:
        print(pool.extract_many([page])[0].outcome.value)
'''


@pytest.mark.parametrize(("extractor", "imports_main"), [("default", False), ("own", True)])
def test_workers_import_the_parents_main_module_only_when_the_extractor_lives_there(
    tmp_path: Path, extractor: str, imports_main: bool
) -> None:
    """multiprocessing re-imports the parent's __main__ in each worker: for `newsflow run` or
    `python -m prefect.engine` that is the whole application, 30-80 MiB a worker for nothing."""
    script = tmp_path / "app.py"
    script.write_text(MAIN_SCRIPT, encoding="utf-8")
    marker = tmp_path / "imported"
    env = {**os.environ, "MAIN_IMPORTED_MARKER": str(marker)}
    done = subprocess.run([sys.executable, str(script), extractor], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "ok"
    assert marker.exists() is imports_main


def test_closing_the_pool_under_a_running_batch_stops_it_cleanly() -> None:
    """What a cancelled run does: its pool closes while another thread is mid-batch."""
    before = worker_pids()
    pool = ExtractorPool(workers=2, timeout=20, extractor=scripted_extractor)
    pool.extract_many([scripted("warm-up")])
    outcome: list[BaseException | list[ExtractionResult]] = []

    def batch() -> None:
        try:
            outcome.append(pool.extract_many([scripted(f"sleep-{n}") for n in range(4)]))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=batch)
    thread.start()
    deadline = time.monotonic() + 10
    while not pool._busy() and time.monotonic() < deadline:  # both workers have a page
        time.sleep(0.01)
    pool.close()  # must not raise, though the batch's thread is using the workers
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert isinstance(outcome[0], RuntimeError) and "closed" in str(outcome[0])
    assert worker_pids() - before == set(), "no worker left running, none started after close"


STORY_BODY = "<p>" + " ".join(f"word{n}" for n in range(40)) + ".</p>"


def canonical_of(head: str, url: str = "https://news.example/2024/05/01/story-one") -> str | None:
    html = f"<html><head><title>T</title>{head}</head><body><article><h1>T</h1>{STORY_BODY * 3}</article></body></html>"
    article = extract_article(html, url)
    assert article is not None
    return article.page_canonical_url


def test_a_base_href_or_a_home_page_is_no_articles_canonical_url() -> None:
    # trafilatura reads <base href> and hreflang x-default as the page's URL: a site's root for every article
    assert canonical_of('<base href="https://news.example/">') is None
    assert canonical_of('<link rel="alternate" hreflang="x-default" href="https://news.example/">') is None
    assert canonical_of('<base href="https://news.example/2024/05/01/">') is None
    assert canonical_of('<link rel="canonical" href="https://news.example/">', "https://news.example/") is None
    assert canonical_of('<link rel="canonical" href="https://news.example/story-one"><base href="https://news.example/">'
                        ) == "https://news.example/story-one"
    assert canonical_of('<link rel="alternate" hreflang="x-default" href="https://news.example/en/story-one">'
                        ) == "https://news.example/en/story-one"


RECIPE_STEPS = (
    "Put all the ingredients in a bowl and knead them into a smooth dough.",
    "Roll out the dough and cut out any shapes you like.",
    "Heat the oven to 200 °C.",
    "Lay the biscuits on a tray and press almond flakes onto each of them.",
    "Bake them in the oven for 15 minutes until they are golden.",
)


def _short_lines_page(lines: tuple[str, ...]) -> str:
    items = "".join(f"<p>{line}</p>" for line in lines)
    return ("<html><head><title>Almond biscuits</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Almond biscuits</h1><p>Makes 40.</p><p>300 g flour</p><p>200 g sugar</p>{items}"
            "</article></body></html>")


def test_a_recipe_of_short_sentences_is_an_article() -> None:
    """Eleventh pass: no line of a recipe's steps reaches MIN_PARAGRAPH_WORDS, and the page was stored as
    nothing (`extract_empty`) where trafilatura alone had the whole recipe."""
    assert all(len(step.split()) < MIN_PARAGRAPH_WORDS for step in RECIPE_STEPS)
    article = extract_article(_short_lines_page(RECIPE_STEPS), FETCHED_FROM)
    assert article is not None
    assert RECIPE_STEPS[0] in article.text.split("\n") and RECIPE_STEPS[-1] in article.text.split("\n")


def test_two_short_sentences_or_short_lines_are_still_no_article() -> None:
    not_found = ("The page you asked for could not be found on this site.",
                 "Please check the address or go back to the home page.", "404", "Contact us", "Imprint")
    assert extract_article(_short_lines_page(not_found), FETCHED_FROM) is None
    assert not is_article_text("Home\nNews\nSport\nWeather\nThe page was not found here, sorry.")
    assert is_article_text("\n".join(RECIPE_STEPS))
