"""The site's own blocks around a story, as the date rules need to know: its top bar and masthead, its
`<header>`, menu and logo (where it prints today's date), the page's `<main>`, and the wrapper that holds
only the story.

A "top-bar" or "masthead" is the site's only away from the headline and in a class word naming no story
(`SITE_CHROME`, `STORY_WORD`, `CHROME_DEPTH`), and not in the page's `<main>` (`in_main`, sixteenth pass);
without an `<article>`, not in a wrapper of the story's (`story_wrapper`, seventeenth pass). A block before
the headline outside the story is the site's bar (`site_bar`, eighteenth pass). `pageblocks` reads these
with the blocks of other stories; split out of it (thirty-first pass, no behaviour change).

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

import re
from typing import Any

SITE_CHROME = re.compile(r"top-?bar|masthead", re.IGNORECASE)
"""The site's top bar and masthead (today's date): words a story's own header uses too (a CSS module's
"ArticleHeader_topBar__a1b2", "article-masthead"), so read as the site's only away from the headline
and in a class word that names no story."""
STORY_WORD = re.compile("article|story|post|entry", re.IGNORECASE)
"""A class word naming a story ("story-top-bar", "post-masthead") is never the site's chrome."""
CHROME_DEPTH = 2
"""On a page without an `<article>`, a top bar or masthead is the site's when its nearest common
ancestor with the headline is this far above it or more (the story's own sits beside the headline)."""


def in_main(element: Any, headline_ancestors: dict[Any, int]) -> bool:
    """Whether an element (the nearest ancestor a block shares with the headline) is the page's
    `<main>` or inside it: the site's top bar and masthead (today's date) come before the main content;
    a bar inside it, beside the story's `<article>` ("topbar" with the section and the day), is the
    story's own (sixteenth pass). Not a `<main>` that holds the site's header or menu as well (review: a
    site whose whole page, its top bar with today's date included, sits in `<main>`)."""
    while element is not None:
        if element.tag == "main" or element.get("role") == "main":
            return not _holds_site_header(element, headline_ancestors)
        element = element.getparent()
    return False


def _holds_site_header(element: Any, headline_ancestors: dict[Any, int]) -> bool:
    """Whether an element holds the site's header or menu (not the story's header, nor a breadcrumb trail)."""
    return any(header not in headline_ancestors and not _STORY_HEADER.search(str(header.get("class") or ""))
               and not _TRAIL.search(f"{header.get('class')} {header.get('id')} {header.get('aria-label')}")
               for header in element.xpath(_SITE_HEADERS))


_SITE_HEADERS = ("descendant::*[self::header or self::nav or @role='banner' or @id='masthead' or @id='header' or "
                 "contains(concat(' ', normalize-space(@class), ' '), ' site-header ')][not(ancestor::article)]")
"""The site's header or menu (a `<nav>`, but not a breadcrumb trail, which a story's `<main>` holds)."""
_TRAIL = re.compile("breadcrumb", re.IGNORECASE)


_STORY_HEADER = re.compile(r"(?:post|entry|article|story)[-_]?(?:header|head|meta|hero)", re.IGNORECASE)


_NAMES = "translate(concat(@class, ' ', @id), 'MENULOGAVBR', 'menulogavbr')"
_SITE_MENU_OR_LOGO = (f"descendant::*[contains({_NAMES}, 'menu') or contains({_NAMES}, 'navbar')"
                      f" or contains({_NAMES}, 'logo')][1]")
"""A site's menu or logo in plain `<div>`s (class or id "menu", "navbar", "logo"): a story's wrapper holds neither."""


def story_wrapper(element: Any, headline_ancestors: dict[Any, int]) -> bool:
    """Whether an ancestor of the headline holds only the story: below `<body>`, without the site's header,
    menu or logo (`_story_wrapper`; nineteenth pass: `kickerdates.above_story_date` reads no further up)."""
    return _story_wrapper(element, headline_ancestors)


def _story_wrapper(common: Any, headline_ancestors: dict[Any, int]) -> bool:
    """Whether the nearest common ancestor of a top bar or masthead and the headline, on a page without
    `<article>`, is the story's wrapper: below `<body>`, and holding neither the site's header nor its
    menu. A script-built page (Next.js, a single-page app) nests the story's bar and its headline in
    sibling `<div>`s two levels or more apart; the site's bar (today's date) shares with the headline
    only a wrapper that holds the site's header too, or `<body>` (seventeenth pass: that bar dated the
    story). A wrapper's name says nothing here: "post-123" may hold the whole page."""
    if common is None or common.tag in ("body", "html"):
        return False
    # review: a theme's `<div id="wrapper">` holds the whole site, its menu a `<div class="menu">`, no `<nav>`
    return not _holds_site_header(common, headline_ancestors) and not common.xpath(_SITE_MENU_OR_LOGO)


def site_bar(element: Any, headline_ancestors: dict[Any, int], article: int) -> bool:
    """Whether an element is before the headline and outside its story: the site's bar, where it prints
    today's date in a block whose name says nothing ("header-date", "current-date", a plain `<div>`;
    eighteenth pass: htmldate took that day on a page whose byline it reads too). Outside the story is
    outside the headline's `<article>` (without one, `CHROME_DEPTH` levels above it or more, in no
    wrapper of the story's: `_story_wrapper`), not in the page's `<main>` (`in_main`), and in no block
    whose class or id names a story ("post-meta" above an `<article>`)."""
    branch = common = element
    while common is not None and common not in headline_ancestors:
        if STORY_WORD.search(f"{common.get('class') or ''} {common.get('id') or ''}"):
            return False
        branch, common = common, common.getparent()
    if common is None or branch is common or (depth := headline_ancestors[common]) == 0:
        return False
    no_article = article >= len(headline_ancestors)
    if depth < (CHROME_DEPTH if no_article else article + 1) or in_main(common, headline_ancestors):
        return False
    if no_article and _story_wrapper(common, headline_ancestors):
        return False
    toward_headline = next(ancestor for ancestor, index in headline_ancestors.items() if index == depth - 1)
    return bool(common.index(branch) < common.index(toward_headline))


def in_site_chrome(element: Any) -> bool:
    """Whether an element is inside the site's `<header>` (`is_site_header`), a `<nav>`, an `<aside>` or a `<footer>`:
    a logo's or a menu's heading there names the site, not the story (review of the thirtieth pass)."""
    return any(ancestor.tag in ("nav", "aside", "footer") or is_site_header(ancestor)
               for ancestor in element.iterancestors())


def is_site_header(element: Any) -> bool:
    """Whether an element is the site's `<header>` (a child of `<body>`, or the banner), where a
    masthead prints today's date (fifteenth pass); not a story's own header, nor one whose class
    says it is ("entry-header", "post-header" as a child of `<body>`: review)."""
    if element.tag != "header" or _STORY_HEADER.search(str(element.get("class") or "")):
        return False
    parent = element.getparent()
    return element.get("role") == "banner" or (parent is not None and parent.tag == "body")
