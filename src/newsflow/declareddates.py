"""The publication and update times a page declares in its markup (split from `newsflow.dates` in the
ninth date pass): JSON-LD `datePublished` values, and published-time and modified-time metas.

- `json_ld_published_strings`: an article object's `datePublished` before a video's, an image's or a
  page's, and none of the stories an `ItemList` lists (`itemListElement`: related stories, whose
  dates were taken for the page's; ninth pass). `listed_storys` says whether a value is only such a
  related story's.
- `published_metas`, `modified_metas`: the contents of the metas whose name says publication
  (`article:published_time`, `pubdate`, `itemprop=datePublished` …) or update (`og:updated_time` …).

Pure: an lxml tree walked by its methods only, and `newsflow.jsonld`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from newsflow.datechecks import article_first
from newsflow.jsonld import json_ld_typed_strings

# article:published_time, og:article:published_time, pubdate, itemprop datePublished, publish-date,
# parsely-pub-date, vr:published-time, cxenseparse:recs:publishtime …
_PUBLISHED_META = re.compile(r"(?:^|[:._-])(?:publish(?:ed)?|pub)[-_:.]?(?:time|date)$|^datepublished$")
# article:modified_time, og:updated_time, datemodified, last-modified, dc.date.modified, parsely-updated-time,
# zdf:modificationDate, lastmod …
_MODIFIED_META = re.compile(r"modifi|(?:^|[:._-])updated?(?:[-_:.]?(?:time|date|at))?$|last-?mod")


def json_ld_published_strings(tree: Any) -> list[str]:
    """JSON-LD `datePublished` values, an article object's before a video's, an image's or a page's;
    none of an `ItemList`'s related stories (ninth pass)."""
    return article_first(json_ld_typed_strings(tree, "datePublished", listed=False))


def listed_storys(value: str, tree: Any, parse: Callable[[str], datetime | None]) -> bool:
    """Whether `value` (htmldate's answer) is only the `datePublished` of a story the page's JSON-LD
    lists (an `ItemList` of related stories, ninth pass), compared as `parse` reads them."""
    own = set(json_ld_typed_strings(tree, "datePublished", listed=False))
    listed = {parse(text) for kind, text in json_ld_typed_strings(tree, "datePublished") if (kind, text) not in own}
    return parse(value) in listed - {None}


def published_metas(tree: Any) -> list[str]:
    """The contents of the page's published-time metas, in document order."""
    return [meta.get("content") or "" for meta in tree.iterfind(".//meta") if _PUBLISHED_META.search(_meta_name(meta))]


def modified_metas(tree: Any) -> list[str]:
    """The contents of the page's modified-time metas, in document order."""
    return [meta.get("content") or "" for meta in tree.iterfind(".//meta") if _MODIFIED_META.search(_meta_name(meta))]


def _meta_name(meta: Any) -> str:
    return str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
