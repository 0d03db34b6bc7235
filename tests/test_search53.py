"""Search 53: `newsflow search` names IPv6 outlets as the views do, and its first copy is the views' copy 1
(docs/search.md, "Search 53").

Search spells the outlet in its own SQL (search_index._SITE, for a warehouse whose views predate the macro
`outlet`): it cut an IPv6 literal's host at its first colon, so `first_outlet`, `outlets` and `--by source` said
`[2001` for every such outlet. It names a story's first copy with `arg_min` over (appeared_at, article_id), the
views with story_articles' window (copy_number 1): one tie rule in two spellings. Generated worlds
(tests/test_search_analyst52.py's, with IPv6 outlets added): search's stories and `--by source` against
story_articles and the world. Tiny warehouses, in-process."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search import SearchFilters
from newsflow.warehouse import search_index, search_sites
from tests.searchsample import empty_warehouse, examples
from tests.test_search_analyst52 import Copy, copies, first_outlets, load_world, story_outlets

# CI (HYPOTHESIS_PROFILE=ci) runs the kept world only: a world costs ~0.7 cpu-s (a warehouse loaded, indexed, searched
# twice), and the generated ones are run by hand (40 a run, `uv run pytest -n0 tests/test_search53.py`).
EXAMPLES = examples(40, 0)
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if EXAMPLES else ()))
LITERALS = ("2001:db8::1", "2001:db8::2", "::1")  # two sharing `[2001`, the colon search cut them at


@dataclass(frozen=True)
class Literal(Copy):
    """A copy from an outlet whose host is an IPv6 literal: in brackets in its URL, never under `www.`."""

    def url(self, number: int) -> str:
        address = self.outlet.upper() if self.upper else self.outlet
        return f"{self.scheme}://[{address}]{self.port}/story-{self.story}/{number}"


literals = st.builds(Literal, st.integers(0, 3), st.sampled_from(LITERALS), st.just(False), st.booleans(),
                     st.sampled_from(("https", "http")), st.sampled_from(("", ":8443")), st.none(),
                     st.sampled_from((0, 0, 1, None)), st.none())


def check_search(path: Path, world: Sequence[Copy]) -> None:
    """Search's stories name each story's outlets and first copy as story_articles and the world do; `--by source`
    and the stored sites (--site's hint) count each outlet's articles."""
    store = load_world(path, world)
    search.refresh(store)
    with store.reading() as con:
        views = {story: (site, url) for story, site, url in con.execute(
            "SELECT story_id, site, canonical_url FROM story_articles WHERE copy_number = 1").fetchall()}
        stored = dict(search_sites.stored_sites(con))
    result = search.search_stories(store, "text", SearchFilters(), 100, prune=False)
    row = {name: result.columns.index(name) for name in ("story_id", "outlets", "first_outlet", "first_url")}
    found = {r[row["story_id"]]: (r[row["first_outlet"]], r[row["first_url"]]) for r in result.rows}
    assert found == views  # search's arg_min and the views' window: one first copy, a tie included
    outlets_of, firsts = story_outlets(world), first_outlets(world)
    assert {story: site for story, (site, _) in found.items()} == firsts
    assert {r[row["story_id"]]: r[row["outlets"]] for r in result.rows} == {s: len(o) for s, o in outlets_of.items()}
    by_source = search.search_attention(store, "text", SearchFilters(), "source")
    assert by_source.columns[:4] == ["source", "stories", "articles", "all_articles"]
    per_outlet = Counter(c.outlet for c in world)  # every article matches "text": all_articles too
    assert {r[0]: (r[2], r[3]) for r in by_source.rows} == {o: (n, n) for o, n in per_outlet.items()}
    assert stored == per_outlet


@settings(max_examples=max(EXAMPLES, 1), phases=PHASES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=st.lists(st.one_of(copies, literals), min_size=1, max_size=8))
# kept: two IPv6 outlets that search named `[2001` (one outlet, 1 for 2), tied first with herald.example under www.
@example(world=[Literal(0, "2001:db8::2", False, True, "https", ":8443", None, 0, None),
                Literal(0, "2001:db8::1", False, False, "http", "", None, 0, None),
                Copy(0, "herald.example", True, True, "https", "", "The Herald", 0, "en"),
                Literal(1, "::1", False, False, "https", "", None, None, None)])
def test_search_names_outlets_and_first_copies_as_the_views_do(tmp_path: Path, world: list[Copy]) -> None:
    for old in tmp_path.glob("w*.duckdb*"):
        old.unlink()
    check_search(tmp_path / "w.duckdb", world)


def test_search_spells_an_ipv6_outlet_as_the_macro_does(tmp_path: Path) -> None:
    """search_index._SITE against `outlet` on IPv6 literals with a port, a query, a fragment, in capitals."""
    urls = ["http://[::1]:8080/a", "https://[2001:db8::1]/a", "https://[2001:DB8::2]?x=1", "https://[::1]#top",
            "https://[2001:db8::1]:8443", "https://www.herald.example:8443/a"]
    with empty_warehouse(tmp_path / "w.duckdb").reading() as con:
        rows = con.execute(f"SELECT outlet(canonical_url), {search_index._SITE} "
                           "FROM (SELECT unnest($urls) AS canonical_url) a", {"urls": urls}).fetchall()
    assert rows == [(site, site) for site in ("::1", "2001:db8::1", "2001:db8::2", "::1", "2001:db8::1",
                                              "herald.example")]
