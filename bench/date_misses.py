"""The publication-day misses of one half of the corpora, with every date candidate the page has.

    uv run python -m bench.date_misses [--half tune|report] [--all]

htmldate's answer (trafilatura's metadata pass, the expensive part) is cached per page in
`$TMPDIR/newsflow-htmldate-<half>.json`, so that the date rules (`newsflow.extractdates.page_dates`, cheap but
where a rule asks htmldate again; `stored_day` runs them as extraction does) can be re-run on the whole half while
they are being tuned. Delete the cache when trafilatura or htmldate change. Only pages with a reference date are
read; a page without extracted text stores no day and counts as a miss (as in bench/extraction.py).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from bench.corpora import CorpusPage, all_pages, same_day
from newsflow.datechecks import url_day
from newsflow.dates import publication_day
from newsflow.extract import _htmldate_of as htmldate_of  # the reader extraction hands the date rules
from newsflow.extract import extract_article, page_tree
from newsflow.extractdates import page_dates
from newsflow.headline_date import byline_time, headline_date
from newsflow.jsonld import json_ld_strings
from newsflow.localtime import publisher_zone
from newsflow.pagedates import attribute_published, payload_published


def htmldate_answers(pages: list[CorpusPage], half: str) -> dict[str, Any]:
    """Per page key: htmldate's answer and whether an article was extracted (cached). The answer is the one extraction
    hands the date rules (`extractdates.page_dates`' first argument), recorded at its first call: the rules call
    `published_at` again on trees without a page's blocks (thirty-sixth pass: the recorder kept the last call's)."""
    cache = Path(tempfile.gettempdir()) / f"newsflow-htmldate-{half}.json"
    if cache.exists():
        return dict(json.loads(cache.read_text()))
    import newsflow.extract as extract_module  # where extraction hands htmldate's answer to the date rules

    seen: dict[str, Any] = {}
    original = extract_module.page_dates

    def recording(found: str | None, *args: Any, **kwargs: Any) -> Any:
        seen.setdefault("htmldate", found)
        return original(found, *args, **kwargs)

    extract_module.page_dates = recording  # type: ignore[assignment]
    answers = {}
    try:
        for page in pages:
            seen.clear()
            article = extract_article(page.html, page.url)
            answers[f"{page.set_name}/{page.key}"] = {"htmldate": seen.get("htmldate"), "article": article is not None}
    finally:
        extract_module.page_dates = original  # type: ignore[assignment]
    cache.write_text(json.dumps(answers))
    return answers


def stored_day(htmldate: str | None, tree: Any, url: str) -> date | None:
    """The day extraction stores for a page, from htmldate's answer: every date rule extraction runs
    (`extractdates.page_dates`, with htmldate asked again on a tree without a page's blocks), and the publisher's
    day of the time they give (`dates.publication_day`), as `ExtractedArticle.published_date` holds it."""
    return publication_day(page_dates(htmldate, tree, url, htmldate_of)[0])


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
        chosen = stored_day(answer["htmldate"], tree, page.url) if answer["article"] else None
        ok = same_day(page, chosen)
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
