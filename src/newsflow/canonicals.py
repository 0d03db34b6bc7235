"""Which `<link rel=canonical>` claims to ignore: one URL claimed by pages of different titles.

A page names its canonical URL, and the article is stored under it, so two URLs of one article
merge (`urls.prefer_page_canonical`, same site only). A site whose template names one URL for every
page (its home page, a section page: a CMS default, or a page that wants the others' readers)
made every article of it one article: the first stored, each later one taken for it and lost
(red team 16). Distinct articles have distinct titles; one article at several URLs has one. So a
canonical URL claimed by pages of 2 titles or more, in one batch or against the article stored
under it already, is no one's: each page claiming it keeps its entry's own canonical URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsflow.models import Article


def title_key(title: str | None) -> str:
    return " ".join((title or "").casefold().split())


def disputed(claims: Sequence[tuple[str, Article]], stored_titles: Mapping[str, str | None]) -> set[str]:
    """Of (entry canonical URL, article built) pairs, the article ids whose canonical URL a page
    claimed (not the entry's own) under a title another claimant, or the article stored, differs in."""
    titles: dict[str, set[str]] = {}
    for entry_canonical, article in claims:
        if article.canonical_url != entry_canonical:
            titles.setdefault(article.article_id, set()).add(title_key(article.title))
    for entry_canonical, article in claims:  # an entry whose own URL it is has its say too
        if article.canonical_url == entry_canonical and article.article_id in titles:
            titles[article.article_id].add(title_key(article.title))
    for article_id, seen in titles.items():
        if article_id in stored_titles:
            seen.add(title_key(stored_titles[article_id]))
    return {article_id for article_id, seen in titles.items() if len(seen) >= 2}
