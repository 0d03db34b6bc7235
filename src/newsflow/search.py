"""Search: keep the index current, and rank stories for a query (docs/search.md).

- `update_index(con)`: index the articles stored since the last update (and re-index those
  whose text changed, after `newsflow reextract`). Its cost follows the new articles: one scan
  of two columns finds them, and only their text is read. Its postings are one new sorted
  segment; a run's end then merges the segments that have filled (`merge_after_run`).
- `search_stories` / `search_attention`: parse the query (`search_query`), analyse each word
  in every language the index holds (`search_text`), then rank in SQL (`search_ranked`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from newsflow.errors import WarehouseError
from newsflow.search_query import Phrase, Query, QuerySyntaxError, dropped_in, parse_query, prefix_of
from newsflow.search_snippets import query_words, snippet
from newsflow.search_stopwords import STOP_WORDS
from newsflow.search_text import analyse, is_stop_word, is_unit, phrase_words, search_tokens, stem, unaccented
from newsflow.warehouse import Warehouse, schema, search_index, search_segments, search_sites, viewprint
from newsflow.warehouse.reads import QueryResult

log = logging.getLogger(__name__)

INDEX_CHUNK = 2000
"""Articles analysed and written per transaction."""
BACKLOG_PER_RUN = 20_000
"""At most this many articles indexed at the end of a run: a run's own articles are far fewer,
and a warehouse from before the index (migration 0010) is caught up over a few runs, or at
once by `newsflow search --reindex`, instead of stalling one run."""
MAX_PREFIX_WORDS = 200
"""A prefix search (`syria*`) ranks at most this many terms, each an alternative of its clause; one that
matches more is refused (make the prefix longer): its cost would grow with the dictionary."""


@dataclass(frozen=True)
class SearchFilters:
    since: date | None = None
    until: date | None = None
    # feed, language and site: one value, or several (either of them: `--site a --site b`, "Analyst 49")
    feed: str | tuple[str, ...] | None = None
    language: str | tuple[str, ...] | None = None
    site: str | tuple[str, ...] | None = None  # a site (an outlet) and its subdomains
    tz: str = "UTC"  # the time zone whose days `since`, `until` and `--by day|week` are (`time_zone_named`)


def update_index(con: Any, chunk: int = INDEX_CHUNK, limit: int | None = None, run_id: str | None = None,
                 *, merge: bool = True) -> int:
    """Index articles not indexed yet (at most `limit`); returns how many.

    With `run_id` (the end of a run): that run's articles, then, only while the counts show a
    backlog (a warehouse from before the index), a slice of it. Without: every article missing,
    and every article whose text changed since it was indexed (`newsflow reextract`). Each chunk
    is a new segment of postings; then the segments due are merged (`merge_segments`).
    """
    own: list[str] = []
    if run_id is None:
        pending = search_index.articles_to_index(con)
    else:
        own = search_index.run_articles_to_index(con, run_id)
        pending = list(own)
        if search_index.unindexed_count(con) > len(pending):
            mine = set(pending)  # the run's own first, then the backlog
            pending += [a for a in search_index.articles_to_index(con, changed=False) if a not in mine]
    pending = pending[:limit]
    if run_id is not None:  # the run's refetched articles whose text changed: indexed again, so search finds it
        updated = search_index.run_refetched_to_index(con, run_id)
        index_articles(con, search_index.read_article_texts(con, updated), replacing=True)
        if updated:
            log.info("search index: %d refetched articles indexed again", len(updated))
    for start in range(0, len(pending), chunk):
        ids = pending[start:start + chunk]
        of_run = run_id if start + len(ids) <= len(own) else None  # only the run's own: read by its run_id
        # a run indexes only articles missing from the index: nothing to replace
        index_articles(con, search_index.read_article_texts(con, ids, of_run), replacing=run_id is None)
    if pending:
        log.info("search index: %d articles indexed", len(pending))
    if merge:
        merge_segments(con)
    return len(pending)


def merge_segments(con: Any) -> int:
    """Merge the index's segments that have filled (LSM tiers, docs/search.md); returns postings rewritten."""
    rewritten = search_segments.merge_segments(con)
    if rewritten:
        log.info("search index: %d postings merged", rewritten)
    return rewritten


def merges_due(con: Any) -> bool:
    """Whether the index has segments to merge (a run merges them after its own transaction)."""
    return search_segments.merges_due(con)


def merge_after_run(store: Warehouse) -> int:
    """The end of a run: merge the segments due in their own transaction. A failed merge (out of
    memory, the warehouse held) only logs: the index stays as it was, and the next run tries again."""
    try:
        with store.writing() as con:
            return merge_segments(con)
    except WarehouseError as exc:
        log.warning("%s", exc)
        return 0


def index_articles(con: Any, articles: Sequence[search_index.ArticleText], *, replacing: bool = True) -> None:
    docs = []
    for article in articles:
        analysed = analyse(article.title, article.text, article.language)
        docs.append(search_index.IndexedDoc(article.article_id, article.content_hash, analysed.language,
                                            analysed.length, analysed.terms, analysed.forms))
    search_index.write_docs(con, docs, {lang: sorted(words) for lang, words in STOP_WORDS.items()},
                            replacing=replacing)


def refresh(store: Warehouse) -> int:
    """Index every article missing from the index or changed since (`newsflow search --reindex`)."""
    with store.run_lock("search --reindex"), store.writing() as con:
        return update_index(con)


def compact(store: Warehouse) -> int:
    """Merge every segment of the postings into one, sorted by term (`newsflow search --compact`).

    Never needed: each run appends its postings as a sorted segment and merges segments as they
    fill (LSM tiers, `search_segments`), so queries read few row groups. One segment is the
    fewest; it costs a sort of the whole table.
    """
    with store.run_lock("search --compact"), store.writing() as con:
        return search_segments.compact_postings(con)


def reindex(store: Warehouse) -> int:
    """Drop the index and build it again from every stored article (what fts would do per change)."""
    with store.run_lock("search --reindex"), store.writing() as con:
        search_index.clear_index(con)
        return update_index(con)


# --- querying -----------------------------------------------------------------------------


def ranked_inputs(con: Any, query: Query) -> dict[str, list[dict[str, Any]]]:
    """The `search_ranked` arguments for `query`: every word's term in every indexed language."""
    languages = search_index.indexed_languages(con)
    entries = _alternatives(query)
    wanted = {(lang, term) for _, _, phrase, _ in entries if prefix_of(phrase) is None
              for word in phrase_words(phrase) for lang in _languages_of(query, phrase, languages)
              if (term := stem(lang, word)) is not None}
    ids = search_index.lookup_terms(con, wanted)
    terms, stops, alts = [], [], []
    for clause, alt, phrase, negated in entries:
        if prefix_of(phrase) is not None:
            continue
        words = phrase_words(phrase)
        alts.append({"clause": clause, "alt": alt, "n_tokens": len(words),
                     "pattern": phrase_pattern(phrase) if len(phrase) > 1 else None, "negated": negated})
        for pos, word in enumerate(words):
            for lang in _languages_of(query, phrase, languages):
                term = stem(lang, word)
                if is_stop_word(lang, word):
                    stops.append({"clause": clause, "alt": alt, "pos": pos, "language": lang})
                elif term is not None and (lang, term) in ids:
                    terms.append({"clause": clause, "alt": alt, "pos": pos, "term_id": ids[(lang, term)],
                                  "negated": negated})
    _add_bigrams_of_units(con, entries, terms, alts)
    _add_prefix_terms(con, entries, terms, alts)
    return {"terms": terms, "stops": stops, "alts": alts}


def _languages_of(query: Query, phrase: Phrase, languages: list[str]) -> list[str]:
    """The index languages `phrase` is looked for in: a name's spelling without its accents (`erdogan` for
    `Erdoğan`) only where writers lack one of its letters, the name as typed only in the others (`dropped_in`:
    `Año` is `ano` in English, never in Spanish, where `ano` is another word); any other phrase in all."""
    for spelling, letters, dropping in query.only_in:
        if spelling == phrase:
            return [lang for lang in languages if dropped_in(lang, letters) == dropping]
    return languages


def _add_prefix_terms(con: Any, entries: list[tuple[int, int, Phrase, bool]], terms: list[dict[str, Any]],
                      alts: list[dict[str, Any]]) -> None:
    """A query word `syria*`: each term of a word the index has seen starting so (any language, a bare form too)
    is one alternative of its clause, as a unit's bigrams are (`_add_bigrams_of_units`), so the pruned search
    stays exact. None found: the word's own alternative, with no term, matches nothing. New numbers follow those
    of the alternatives already made (a unit's bigrams): two alternatives of one number would be one, both words."""
    next_alt: dict[int, int] = {}
    for clause, alt in [(c, a) for c, a, _, _ in entries] + [(a["clause"], a["alt"]) for a in alts]:
        next_alt[clause] = max(next_alt.get(clause, 0), alt + 1)
    for clause, alt, phrase, negated in entries:
        prefix = prefix_of(phrase)
        if prefix is None:
            continue
        term_forms = search_index.terms_with_prefix(con, prefix, MAX_PREFIX_WORDS + 1)
        if len(term_forms) > MAX_PREFIX_WORDS:
            raise QuerySyntaxError(f"the prefix search {prefix + '*'!r} matches more than {MAX_PREFIX_WORDS} words "
                                   "of the index (a word once per language it is in); make the prefix longer, or "
                                   "join words with OR")
        for i, (term_id, pattern) in enumerate(_prefix_choices(prefix, term_forms) or [(None, None)]):
            number = alt if i == 0 else next_alt[clause]
            next_alt[clause] += i > 0
            alts.append({"clause": clause, "alt": number, "n_tokens": 1, "pattern": pattern, "negated": negated})
            if term_id is not None:
                terms.append({"clause": clause, "alt": number, "pos": 0, "term_id": term_id, "negated": negated})


def _prefix_choices(prefix: str, term_forms: dict[int, list[str]]) -> list[tuple[int, str | None]]:
    """The alternatives of a prefix: a term all of whose words start with it as itself; a term with other words
    too (English's `run` holds `runs` and `running`, `nation` `nationalism`) once per word that starts so, checked
    in the text as a phrase is (`runn*` finds `running`, not `runs`)."""
    choices: list[tuple[int, str | None]] = []
    for term_id, forms in term_forms.items():
        starting = [form for form in forms if form.startswith(prefix) or unaccented(form).startswith(prefix)]
        choices += [(term_id, None)] if len(starting) == len(forms) else [(term_id, form) for form in starting]
    return choices


def _add_bigrams_of_units(con: Any, entries: list[tuple[int, int, Phrase, bool]], terms: list[dict[str, Any]],
                          alts: list[dict[str, Any]]) -> None:
    """A query word of one unit of an unspaced script (`ณ`) is indexed only where it stands alone; inside
    a sentence it is in the bigrams it makes with its neighbours. Each such bigram (a term of two units,
    this one first or last) is one more alternative of the word's clause: the word is found wherever it
    is, scored by the bigrams holding it, as a longer word is."""
    next_alt: dict[int, int] = {}
    for clause, alt, _, _ in entries:
        next_alt[clause] = max(next_alt.get(clause, 0), alt + 1)
    for clause, _, phrase, negated in entries:
        if len(phrase) != 1 or not is_unit(phrase[0]):
            continue
        for _, term, term_id in search_index.terms_around(con, phrase[0]):
            units = search_tokens(term)
            if len(units) == 2 and phrase[0] in units:  # not `ณ์` (another unit) nor a longer word
                alts.append({"clause": clause, "alt": next_alt[clause], "n_tokens": 1, "pattern": None,
                             "negated": negated})
                terms.append({"clause": clause, "alt": next_alt[clause], "pos": 0, "term_id": term_id,
                              "negated": negated})
                next_alt[clause] += 1


def _alternatives(query: Query) -> list[tuple[int, int, Phrase, bool]]:
    entries = [(c, a, phrase, False) for c, clause in enumerate(query.clauses) for a, phrase in enumerate(clause)]
    first_negated = len(query.clauses)
    entries += [(first_negated + i, 0, phrase, True) for i, phrase in enumerate(query.excluded)]
    return entries


def phrase_pattern(phrase: Phrase) -> str:
    """How `search_ranked` looks for a phrase: its tokens one space apart, in the text made alike."""
    return " ".join(phrase)


def feed_known(store: Warehouse, name: str, configured: Sequence[Any] = ()) -> bool:
    """Whether `name` is a configured feed, or one the warehouse holds (a feed since removed)."""
    if any(feed.name == name for feed in configured):
        return True
    with store.reading() as con:
        return search_sites.feed_stored(con, name)


def _inputs(con: Any, query: Query) -> dict[str, list[dict[str, Any]]]:
    """`ranked_inputs`, refusing a query of stop words alone: it could only match nothing."""
    inputs = ranked_inputs(con, query)
    stopped = {(s["clause"], s["alt"], s["pos"]) for s in inputs["stops"]}
    wanted = {(c, a, pos) for c, a, phrase, negated in _alternatives(query) if not negated
              for pos in range(len(phrase_words(phrase)))}
    if wanted <= stopped and not any(not t["negated"] for t in inputs["terms"]):
        words = sorted({w for clause in query.clauses for phrase in clause for w in phrase})
        raise QuerySyntaxError(f"the query has only stop words ({' '.join(words)[:80]}); "
                               "add a word that says what to look for, or quote a phrase with one")
    return inputs


def language_hint(store: Warehouse, code: str) -> str | None:
    """Why a --language filter may have matched nothing: no stored article is in that language."""
    with store.reading() as con:
        stored = search_sites.stored_languages(con)
    if not stored or any(lang == code for lang, _ in stored):
        return None
    listed = ", ".join(lang for lang, _ in stored[:12]) + (", ..." if len(stored) > 12 else "")
    return f"no stored article is in language {code!r}; stored languages, commonest first: {listed}"


def stop_word_hint(store: Warehouse, text: str, language: str | tuple[str, ...] | None = None) -> str | None:
    """Which indexed languages `text` cannot find an article in: every word it requires is a stop word there,
    not indexed, so no article of that language can be told apart (`the and` finds no English article, only
    other languages' articles quoting them). Only `language` when the search is limited to it (a code, as
    `SearchFilters.language`). None when every language searched has a word to look for."""
    required = [word for clause in parse_query(text).clauses for phrase in clause for word in phrase_words(phrase)]
    if not required or not all(any(word in words for words in STOP_WORDS.values()) for word in required):
        return None  # a word that is no language's stop word: no need to open the warehouse again
    with store.reading() as con:
        languages = search_index.indexed_languages(con)
    searched = search_index.listed(language)
    lost = [lang for lang in languages if lang and (searched is None or lang in searched)
            and all(is_stop_word(lang, word) for word in required)]
    if not lost:
        return None
    return (f"the query's words are all stop words in {', '.join(lost)} (not indexed there), so articles in "
            "those languages are not searched; add a word that says what to look for, or quote a phrase with one")


def out_of_date(store: Warehouse) -> str | None:
    """Why this search may miss what it should find: the warehouse has not had this newsflow's search
    migrations or macros applied yet (no run or `--reindex` since an upgrade), so its index cuts words
    the old way while the query is cut the new way. None when it is current."""
    with store.reading() as con:
        pending = schema.not_applied(con)
        views = [row[0] for row in con.execute("SELECT sha256 FROM schema_views").fetchall()]
    missing = [name for name in pending if name != "views" and _recuts_words(name)]
    # views a newsflow released changed since only with the pending migrations (viewprint: no views change ships
    # without one), judged above; others (a checkout's own edit) may change what search reads
    released = set(viewprint.recorded(schema.sql_root()).values())
    missing += ["views"] if "views" in pending and not set(views) <= released else []
    if not missing:
        return None
    return (f"this warehouse's search index predates this newsflow ({', '.join(missing)} not applied yet), so this "
            "search may miss words the index cuts the old way; `newsflow search --reindex` applies them and "
            "indexes again the articles they concern (the next `newsflow run` does too, 20,000 articles a run)")


_INDEX_TABLES = re.compile(r"\bsearch_(?:postings|docs)\b")


def _recuts_words(migration: str) -> bool:
    """Whether a migration changes the words the index holds: one that does takes the articles it concerns out of
    the index (search_docs, search_postings) for the next run or `--reindex` to cut again; one that only changes
    the SQL macro (0095, 0098, 0101) changes no word (review of "Analyst 46": its name had "search" in it)."""
    sql = (schema.sql_root() / "migrations" / f"{migration}.sql").read_text(encoding="utf-8")
    statements = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return _INDEX_TABLES.search(statements) is not None


def unindexed_count(store: Warehouse) -> int:
    """Articles stored but not in the index (a pre-0010 warehouse still catching up)."""
    with store.reading() as con:
        return search_index.unindexed_count(con)


def search_stories(store: Warehouse, text: str, filters: SearchFilters, limit: int, *,
                   prune: bool = True) -> QueryResult:
    """One row per story matching `text`, best first, with its outlets and first outlet.

    Only the articles that can be among the best are ranked (top-k pruning, docs/search.md);
    `prune=False` ranks every match, for tests and benchmarks to compare with.
    """
    query = parse_query(text)
    with store.reading() as con:
        params = search_index.search_params(_inputs(con, query), **vars(filters))
        return search_index.ranked_stories(con, params, limit, prune=prune)


def search_articles(store: Warehouse, text: str, filters: SearchFilters, limit: int, *, sort: str = "relevance",
                    snippets: bool = False) -> QueryResult:
    """Every article matching `text` (at most `limit`), best first (or newest or oldest first: `sort`), with
    its story, site and URL: a query's matches to export (`--articles --format csv`). Ranks every match: not
    pruned. With `snippets`, a last column holds the words around each article's first match
    (`search_snippets`), read from the texts of the rows returned only."""
    query = parse_query(text)
    with store.reading() as con:
        params = search_index.search_params(_inputs(con, query), **vars(filters))
        result = search_index.matching_articles(con, params, limit, sort)
        if not snippets:
            return result
        texts = {a.article_id: a for a in search_index.read_article_texts(con, [row[0] for row in result.rows])}
    words = query_words(query)
    rows = [(*row, snippet(texts[row[0]].text or "", texts[row[0]].language, words)) for row in result.rows]
    return QueryResult([*result.columns, "snippet"], rows)


def search_attention(store: Warehouse, text: str, filters: SearchFilters, by: str, limit: int = 20, *,
                     story_share: bool = False) -> QueryResult:
    """Matching stories and articles per day, week (zero-filled), source or language; or the `limit`
    words the matches use most (`by="word"`). `story_share` adds, per day or week, every story collected
    (`all_stories`) and the matching stories' share of them (`story_share`), each story in the period of its
    first copy under the filters."""
    query = parse_query(text)
    with store.reading() as con:
        params = search_index.search_params(_inputs(con, query), **vars(filters))
        return search_index.attention(con, params, by, limit, story_share=story_share)
