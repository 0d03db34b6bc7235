"""The publication-day misses of one half of the corpora, with every date candidate the page has.

    uv run python -m bench.date_misses [--half tune|report] [--all]

htmldate's answer (trafilatura's metadata pass, the expensive part) is cached per page in
`$TMPDIR/newsflow-htmldate-<half>.json`, so that the date rules (`newsflow.dates.published_at`,
cheap) can be re-run on the whole half in seconds while they are being tuned. Delete the cache when
trafilatura or htmldate change. Only pages with a reference date are read; a page without extracted
text stores no day and counts as a miss (as in bench/extraction.py).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from bench.corpora import CorpusPage, all_pages, same_day
from newsflow.datechecks import url_day
from newsflow.dates import published_at
from newsflow.extract import extract_article, page_tree
from newsflow.headline_date import byline_time, headline_date
from newsflow.jsonld import json_ld_strings
from newsflow.localtime import publisher_zone
from newsflow.pagedates import attribute_published, payload_published


def htmldate_answers(pages: list[CorpusPage], half: str) -> dict[str, Any]:
    """Per page key: htmldate's answer and whether an article was extracted (cached)."""
    cache = Path(tempfile.gettempdir()) / f"newsflow-htmldate-{half}.json"
    if cache.exists():
        return dict(json.loads(cache.read_text()))
    import newsflow.extractdates as dates_module  # where extraction calls the date rules

    seen: dict[str, Any] = {}
    original = dates_module.published_at

    def recording(value: str | None, tree: Any, url: str | None = None) -> Any:
        seen["htmldate"] = value
        return original(value, tree, url)

    dates_module.published_at = recording  # type: ignore[assignment]
    answers = {}
    for page in pages:
        seen.clear()
        article = extract_article(page.html, page.url)
        answers[f"{page.set_name}/{page.key}"] = {"htmldate": seen.get("htmldate"), "article": article is not None}
    dates_module.published_at = original  # type: ignore[assignment]
    cache.write_text(json.dumps(answers))
    return answers


def candidates(tree: Any, url: str) -> list[str]:
    """Every date the page states, with where."""
    found = [f"ld datePublished {v}" for v in json_ld_strings(tree, "datePublished")[:3]]
    found += [f"ld dateModified {v}" for v in json_ld_strings(tree, "dateModified")[:2]]
    found += [f"ld dateCreated {v}" for v in json_ld_strings(tree, "dateCreated")[:1]]
    for meta in tree.iterfind(".//meta"):
        name = str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "")
        if re.search(r"date|time|publish|modif|updat", name, re.IGNORECASE):
            found.append(f"meta {name} {meta.get('content')}")
    for element in list(tree.iter("time"))[:4]:
        parent = element.getparent()
        where = f"{parent.tag}.{parent.get('class')}" if parent is not None else "?"
        text = " ".join("".join(element.itertext()).split())[:50]
        found.append(f"<time {element.get('datetime')}> '{text}' in {where}")
    if (day := url_day(url)) is not None:
        found.append(f"url {day}")
    found.append(f"headline_date {headline_date(tree)}  byline_time {byline_time(tree)}")
    found.append(f"script state {payload_published(tree)}  timestamp attribute {attribute_published(tree)}"
                 f"  zone {publisher_zone(url, tree)}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", default="tune", choices=("tune", "report"))
    parser.add_argument("--all", action="store_true", help="print the candidates of every page, not only misses")
    args = parser.parse_args()
    pages = [p for p in all_pages() if p.half == args.half and p.published is not None]
    answers = htmldate_answers(pages, args.half)
    right = 0
    for page in pages:
        answer = answers[f"{page.set_name}/{page.key}"]
        tree = page_tree(page.html)
        chosen = published_at(answer["htmldate"], tree, page.url) if answer["article"] else None
        ok = same_day(page, chosen.date() if chosen is not None else None)
        right += ok
        if not ok or args.all:
            print(f"{'ok  ' if ok else 'MISS'} {page.set_name}/{page.key} {page.url}")
            print(f"     expected {page.published} (utc {page.published_alt}) got {chosen}"
                  f" htmldate {answer['htmldate']}")
            for line in candidates(tree, page.url):
                print(f"       {line}")
    print(f"{args.half}: {right} of {len(pages)} ({right / len(pages):.3f})")


if __name__ == "__main__":
    main()
