# ruff: noqa: RUF001 - Turkish and Thai text on purpose
"""What a data journalist types (docs/search.md, "Analyst 40"): `syria*` is a prefix search over the words the
index has seen, bounded and refused in one line when too short or too wide; a Thai word is marked in a snippet."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.search_query import QuerySyntaxError, parse_query
from newsflow.search_snippets import query_words, snippet
from newsflow.search_text import analyser_language, is_stop_word
from newsflow.text import word_tokens
from newsflow.warehouse import Warehouse
from tests.conftest import write_config
from tests.searchsample import Doc, found, found_by_macro, store_docs
from tests.test_search_properties import corpora

DOCS = [
    Doc("syria-en", "Syria talks", "Talks on Syria resumed in Geneva.", language="en"),
    Doc("syrians-en", "Refugees", "Syrian refugees and Syrians abroad were counted.", language="en"),
    Doc("syriac-xx", "Liturgy", "The syriac liturgy is sung.", language=None),
    Doc("syracuse-en", "Syracuse", "Syracuse won the game.", language="en"),
    Doc("erdogan-tr", "Erdoğan", "Cumhurbaşkanı Erdoğan konuştu.", language="tr"),
    Doc("erdogan-en", "Erdogan", "President Erdogan spoke in Ankara.", language="en"),
    Doc("mueller-de", "Mueller", "Thomas Mueller traf.", language="de"),
    Doc("muller-en", "Muller", "Thomas Muller scored.", language="en"),
    Doc("muller-de", "Müller", "Thomas Müller traf wieder.", language="de"),
    Doc("mueller-en", "Inquiry", "Robert Mueller testified.", language="en"),  # no stemmer folds ue here
    Doc("ano-es", "Ano", "El ano del caballo.", language="es"),  # `ano` is another word than `año`
    Doc("year-es", "Año", "El año nuevo llega.", language="es"),
    Doc("many-xx", "Prefixes", " ".join(f"zq{n:04d}" for n in range(search.MAX_PREFIX_WORDS + 1)), language=None),
    Doc("few-xx", "Prefixes", " ".join(f"zr{n:04d}" for n in range(search.MAX_PREFIX_WORDS)), language=None),
    # English's stemmer gives `running` the term of `runs`, `nationalism` that of `nation`: a prefix longer
    # than the stem must not find the other words of the term
    Doc("runs-en", "Daily", "He runs every day.", language="en"),
    Doc("running-en", "Race", "She is running again.", language="en"),
    Doc("nation-en", "Vote", "The nation voted.", language="en"),
    Doc("nationalism-en", "Essay", "Nationalism grew.", language="en"),
    # a unit of Thai (`ณ`) and a prefix in one clause: both add alternatives to it
    Doc("qatar-xx", "Envoys", "Qatar envoys.", language=None),
    Doc("qatari-th", "ข่าว", "ประชุมณ qatari", language="th"),
]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("analyst40")
    search.refresh(store_docs(root / "warehouse" / "news.duckdb", DOCS))
    return write_config(root, "http://127.0.0.1:9", {"planet": "/feed.xml"})


@pytest.fixture(scope="module")
def store(config: Path) -> Warehouse:
    return Warehouse(config.parent / "warehouse" / "news.duckdb")


def run(config: Path, capsys: pytest.CaptureFixture[str], *query: str) -> tuple[int, str, list[str]]:
    code = cli.main(["search", *query, "--config", str(config), "--format", "csv"])
    out, err = capsys.readouterr()
    return code, err, sorted(line.split(",")[0] for line in out.splitlines()[1:])


@pytest.mark.parametrize(("query", "stories"), [
    ("syria*", ["syria-en", "syriac-xx", "syrians-en"]),  # every word the index saw starting so, any language
    ("syria", ["syria-en"]),  # the word alone, as before
    ("Syria* refugees", ["syrians-en"]),
    ("syria* -refugees", ["syria-en", "syriac-xx"]),
    ("talks -syria*", []),
    ("syra* OR syria*", ["syracuse-en", "syria-en", "syriac-xx", "syrians-en"]),
    ("erdo*", ["erdogan-en", "erdogan-tr"]),  # typed bare: the accented word's bare form too
    ("zr*", ["few-xx"]),  # not refused: within the bound
    ("runn*", ["running-en"]), ("nationali*", ["nationalism-en"]),  # not `runs`, `nation`: the same terms
    ("run*", ["running-en", "runs-en"]), ("natio*", ["nation-en", "nationalism-en"]),
    ("ณ OR qatar*", ["qatar-xx", "qatari-th"]), ("qatar* OR ณ", ["qatar-xx", "qatari-th"]),
])
def test_a_trailing_star_is_a_prefix_search(store: Warehouse, query: str, stories: list[str]) -> None:
    assert found(store, query) == stories


@pytest.mark.parametrize(("query", "stories"), [
    ("Erdoğan", ["erdogan-en", "erdogan-tr"]),  # a name typed with its letters finds it written without them
    ("erdoğan", ["erdogan-tr"]),  # a word in lower case typed with accents: only those, as before
    ("erdogan", ["erdogan-en", "erdogan-tr"]),
    ("Müller", ["mueller-de", "mueller-en", "muller-de", "muller-en"]),  # and German's own spelling: ue, oe, ae
    ("müller", ["mueller-de", "muller-de"]),  # in lower case as before: German's stemmer reads ü as ue itself
    ("Mueller", ["mueller-de", "mueller-en", "muller-de"]),
    ("año", ["year-es"]), ("Año", ["year-es"]),  # Spanish has ñ: its `ano` is another word ("Analyst 41")
    ("-Müller thomas", []), ("Erdoğan -Ankara", ["erdogan-tr"]),
    ('"Thomas Müller"', ["muller-de"]),  # a quoted phrase is checked as typed
    ("Erdoğ*", ["erdogan-en", "erdogan-tr"]), ("erdoğ*", ["erdogan-tr"]),  # a name's prefix as the name
])
def test_a_name_typed_with_its_accents_finds_its_spellings_without_them(
        store: Warehouse, query: str, stories: list[str]) -> None:
    assert found(store, query) == stories


def test_a_prefix_search_gives_each_alternative_its_own_number(store: Warehouse) -> None:
    with store.reading() as con:  # two alternatives of a clause with one number would be one (both words)
        alts = search.ranked_inputs(con, parse_query("ณ OR qatar* OR runn*"))["alts"]
    assert len(alts) == len({(alt["clause"], alt["alt"]) for alt in alts}) > 3


def test_a_prefix_search_is_exact_when_pruned(store: Warehouse) -> None:
    for query in ("syri* talks", "erdo* OR syria*", "runn* OR nationali*"):
        pruned = search.search_stories(store, query, SearchFilters(), 2).rows
        assert pruned == search.search_stories(store, query, SearchFilters(), 2, prune=False).rows


@pytest.mark.parametrize(("query", "says"), [
    ("s*", "at least 2 letters"),
    ("*", "at least 2 letters"),
    ("zq*", f"more than {search.MAX_PREFIX_WORDS} words"),  # too wide: refused, not a scan of every posting
    ("covid-1*", "one word"),
    # a word of these scripts is found inside longer ones already: the line says so, not "one word" or "2 letters"
    ("北京*", "type it without the *"), ("北*", "type it without the *"), ("ตลาด*", "type it without the *"),
])
def test_a_prefix_too_short_or_too_wide_is_refused_in_one_line(
        config: Path, capsys: pytest.CaptureFixture[str], query: str, says: str) -> None:
    code, err, stories = run(config, capsys, query)
    assert (code, stories) == (2, []) and len(err.splitlines()) == 1 and says in err and "Traceback" not in err


def test_a_star_inside_quotes_or_a_word_is_punctuation_as_before() -> None:
    assert parse_query('"syria*"').clauses == ((("syria",),),)
    assert parse_query("sy*ria").clauses == ((("sy", "ria"),),)
    with pytest.raises(QuerySyntaxError):
        parse_query("a*")


def test_the_cli_lists_a_prefix_searchs_articles_with_their_words_marked(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["search", "syria* -talks", "--articles", "--snippets", "--config", str(config),
                     "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0 and "«Syrian» refugees and «Syrians» abroad" in out and "«syriac» liturgy" in out
    assert "Geneva" not in out


def test_a_snippet_marks_the_prefix_words() -> None:
    shown = snippet("Syrian refugees met Syracuse fans in Syria.", "en", query_words(parse_query("syria*")))
    assert shown == "«Syrian» refugees met Syracuse fans in «Syria.»"


@pytest.mark.parametrize(("text", "language", "shown"), [
    ("新闻：在Syrian难民营", "zh", "新闻：在«Syrian»难民营"),  # a Latin word inside a Chinese or Thai run
    ("ข่าวSyrianวันนี้", "th", "ข่าว«Syrian»วันนี้"),
])
def test_a_prefix_word_inside_a_run_without_spaces_is_marked(text: str, language: str, shown: str) -> None:
    assert snippet(text, language, query_words(parse_query("syria*"))) == shown


@pytest.mark.parametrize(("text", "query", "shown"), [
    ("ตลาดหุ้นไทยปิดบวก วันนี้", "ตลาด", "«ตลาด»หุ้นไทยปิดบวก วันนี้"),
    ("ราคาทองวันนี้ ตลาดหุ้นไทย", "หุ้น", "ราคาทองวันนี้ ตลาด«หุ้น»ไทย"),
    ("ราคาหุ้นขึ้น ไทยรัฐ", "หุ้น ไทย", "ราคา«หุ้น»ขึ้น «ไทย»รัฐ"),  # each word of the query where it is
    ("หุ้นไทย", "ห", "หุ้นไทย"),  # `ห` is not the unit `หุ้` (ห with its marks): nothing to mark
    ("ประชุมณทำเนียบ ณ วันนี้", "ณ", "ประชุม«ณ»ทำเนียบ «ณ» วันนี้"),
])
def test_a_thai_word_is_marked_in_a_snippet(text: str, query: str, shown: str) -> None:
    # a Thai word was never marked: a run without spaces is a sentence, and query_words left its units out
    assert snippet(text, "th", query_words(parse_query(query))) == shown


PREFIXES = ["oi", "po", "por", "ba", "fi", "fil", "ro", "ta", "th", "un", "ki", "zo", "ga",
            "port", "porte", "filmi", "runn", "nationa", "nationali"]  # longer than a stem of STEMMED's words
STEMMED = ["ports", "porter", "films", "filming", "run", "runs", "running", "nation", "nationalism", "fired"]
"""Words English's stemmer cuts (`filming` is `film`, `nationalism` `nation`): corpora()'s words keep as they are."""


@st.composite
def stemmed_corpora(draw: st.DrawFn) -> list[Doc]:
    """corpora(), each text with a few words whose term holds words starting otherwise."""
    docs = draw(corpora())
    extra = draw(st.lists(st.lists(st.sampled_from(STEMMED), max_size=3), min_size=len(docs), max_size=len(docs)))
    return [dataclasses.replace(doc, text=" ".join([doc.text, *words])) for doc, words in zip(docs, extra, strict=True)]


def _holds_prefix(doc: Doc, prefix: str) -> bool:
    """The reference: a word of the article starting with `prefix` that its language indexes (not a stop word)."""
    lang = analyser_language(doc.language)
    return any(w.startswith(prefix) and not is_stop_word(lang, w) for w in word_tokens(doc.title + " " + doc.text))


@settings(max_examples=4, deadline=None)
@given(stemmed_corpora(), st.lists(st.tuples(st.sampled_from(PREFIXES), st.sampled_from(PREFIXES), st.sampled_from(
    [" ", " OR ", " -"])), min_size=1, max_size=6))
def test_a_prefix_search_matches_a_brute_force_reference(docs: list[Doc], queries: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = store_docs(Path(scratch) / "w.duckdb", docs)
        search.refresh(store)
        for first, second, joint in queries:
            text = f"{first}*{joint}{second}*"
            one, two = ([d for d in docs if _holds_prefix(d, p)] for p in (first, second))
            matches = {"OR": [d for d in docs if d in one or d in two], "-": [d for d in one if d not in two]}.get(
                joint.strip(), [d for d in one if d in two])
            got = {row[0]: row[3] for row in search.search_stories(store, text, SearchFilters(), 1000).rows}
            assert got == {story: len(copies) for story, copies in _stories(matches).items()}, text


def _stories(matches: list[Doc]) -> dict[str, list[Doc]]:
    stories: dict[str, list[Doc]] = {}
    for doc in matches:
        stories.setdefault(doc.story or doc.slug, []).append(doc)
    return stories


@pytest.mark.parametrize("query", ["syria*", "talks -syria*", "syria* OR erdo*", "*"])
def test_the_sql_macro_refuses_a_prefix_in_one_line_rather_than_read_it_as_the_word(
        config: Path, capsys: pytest.CaptureFixture[str], query: str) -> None:
    # it read `syria*` as `syria`: an analyst's SQL silently missed `Syrian`
    code = cli.main(["query", f"SELECT * FROM search_articles('{query}')", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and "prefix search" in err and "newsflow search" in err and err.count("\n") == 1


def test_the_sql_macro_reads_a_star_in_quotes_or_inside_a_word_as_before(store: Warehouse) -> None:
    assert found_by_macro(store, '"syria*"') == ["syria-en"] == found_by_macro(store, "syria")
    assert found_by_macro(store, "sy*ria") == []


def test_the_sql_macro_reads_a_name_as_typed_and_its_bare_spelling_finds_every_accent(store: Warehouse) -> None:
    # documented (docs/search.md, "From SQL"): the CLI's rule for names is not the macro's
    assert found_by_macro(store, "Erdoğan") == ["erdogan-tr"] != found(store, "Erdoğan")
    assert found_by_macro(store, "erdogan") == ["erdogan-en", "erdogan-tr"] == found(store, "Erdoğan")


def test_the_help_names_the_new_query_forms(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["search", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "syria* is every word starting so" in shown and "Erdoğan, Müller" in shown
