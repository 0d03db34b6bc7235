"""A live blog's posts that no class or id names (docs/extraction.md, "Thirty-ninth pass, dates").

The ninth and thirty-eighth passes know a live post by its names ("live-post", "liveblog-entry":
`LIVE_POST` below). A theme may write its posts as bare blocks, `<div><time …>…</time><p>…</p></div>`, the
newest first; the newest post's `<time>` in the byline's reach then became the byline's, and the blog was not dated
by its first post. A post is told here by its shape: a block that opens with a dated `<time>` (nothing printed
before it) and holds a paragraph after it, one of at least `BARE_POSTS` such blocks of its tag and class under one
parent. A byline is one such block at most (its `<time>` and the author's line), so it is never a post.

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, datetime
from itertools import islice
from typing import Any

BARE_POSTS = 2
"""A bare block is a live post only among at least this many of its kind (a byline is one)."""
BARE_POST_DEPTH = 4
"""How far above its `<time>` a bare post may be, and how deep under a post its opening `<time>` is looked for."""
MAX_POSTS_ASKED = 20
"""Siblings asked whether they are posts too: the work per `<time>` is bounded on a hostile page."""
POST_ELEMENTS = 60
"""A post's first elements, read for the paragraph after its `<time>`."""
PostsKnown = dict[tuple[Any, str, str | None], bool]
"""Whether a parent's children of a tag and class are bare posts (`_among_posts`), by (parent, tag, class)."""


LIVE_POST = re.compile(r"live-?(?:blog)?[-_]?(?:post|update|entry|item|event)|liveblog[-_]?(?:post|entry|update)",
                       re.IGNORECASE)
POST_DEPTH = 4
"""How far above a `<time>` its live blog post's element may be (`pagedates.first_live_post`, ninth pass)."""


def _names_live_post(element: Any) -> bool:
    return bool(LIVE_POST.search(f"{element.get('class') or ''} {element.get('id') or ''}"))


def live_post(element: Any, known: PostsKnown | None = None) -> Any:
    """The live post an element is in, or None: the ancestor within `POST_DEPTH` levels that `LIVE_POST` names, else
    the bare post it opens (`bare_live_post`: thirty-ninth pass, a post no name says, told by its shape)."""
    for ancestor in islice(element.iterancestors(), POST_DEPTH):
        if _names_live_post(ancestor):
            return ancestor
    return bare_live_post(element, known)


def in_live_post(element: Any) -> bool:
    """Whether an element is in a live blog's post (`LIVE_POST` names it or an ancestor within `POST_DEPTH` levels,
    or a bare post holds it): its time is the post's, not the byline's (thirty-eighth pass: the newest post's `<time>`
    in the byline's reach beat the URL's day; the live blog's first post is `pagedates.first_live_post`'s)."""
    return (any(_names_live_post(block) for block in islice(element.iterancestors(), POST_DEPTH))
            or _names_live_post(element) or in_bare_live_post(element))


def bare_live_post(time: Any, known: PostsKnown | None = None) -> Any:
    """The bare live post a `<time>` opens, or None: the nearest ancestor (within `BARE_POST_DEPTH`) that the
    `<time>` opens and that holds a paragraph, among `BARE_POSTS` or more siblings of its tag and class shaped so.
    `known` keeps each parent's answer for a caller asking of every `<time>` (review: 8,000 posts asked their first
    siblings again each)."""
    if time.tag != "time" or not time.get("datetime"):
        return None
    child = time
    for block in islice(time.iterancestors(), BARE_POST_DEPTH):
        if (block.text or "").strip() or _first_child(block) is not child:
            return None  # something is printed before the time: it opens no block higher up either
        if _holds_paragraph(block):
            if known is None:
                return block if _among_posts(block) else None
            key = (block.getparent(), block.tag, block.get("class"))
            if key not in known:
                known[key] = _among_posts(block)
            return block if known[key] else None
        child = block
    return None


def _among_posts(post: Any) -> bool:
    """Whether at least `BARE_POSTS` of the post's siblings (its tag and class) are shaped so, the first of them
    (one more than `BARE_POSTS`: the work per post is bounded) newest first and not all one moment (review):
    readers' comments below the byline's block go oldest first, and a story split by an ad into two blocks opens
    them with its byline's time, then the same or an update's."""
    parent = post.getparent()
    if parent is None:
        return False
    moments: list[datetime] = []
    for sibling in islice(parent.iterchildren(post.tag), MAX_POSTS_ASKED):
        time = _opening_time(sibling) if sibling.get("class") == post.get("class") else None
        if time is not None and _holds_paragraph(sibling):
            moment = time_moment(time)
            if moment is None or (moments and moment > moments[-1]):
                return False
            moments.append(moment)
            if len(moments) > BARE_POSTS:
                break
    return len(moments) >= BARE_POSTS and moments[0] > moments[-1]


def time_moment(time: Any) -> datetime | None:
    """A `<time>`'s `datetime` attribute as an aware moment (UTC when it names no offset), None when it is no date."""
    if not time.get("datetime"):
        return None
    with suppress(ValueError):
        moment = datetime.fromisoformat(str(time.get("datetime")).strip().replace("Z", "+00:00"))
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return None


def _opening_time(block: Any) -> Any:
    """The dated `<time>` a block opens with (nothing printed before it, within `BARE_POST_DEPTH` levels), or None."""
    for _ in range(BARE_POST_DEPTH):
        if (block.text or "").strip() or (block := _first_child(block)) is None:
            return None
        if block.tag == "time":
            return block if block.get("datetime") else None
    return None


def _first_child(block: Any) -> Any:
    """The block's first child, or None: not `len(block)`, which lxml counts child by child (a `<body>` of 20,000
    `<time>`s asked once per `<time>` cost 15 cpu-s, red team 27's page; CI, session 38)."""
    return next(iter(block), None)


def _holds_paragraph(block: Any) -> bool:
    """Whether a block holds a `<p>` with text after its opening (a post's line, not only its time) and no `<h1>`
    among its first elements: a story's block, as an infinite-scroll page appends the next one, is no post."""
    held = False
    for element in islice(block.iter(), 1, POST_ELEMENTS):
        if element.tag == "h1":
            return False
        held = held or (element.tag == "p" and bool("".join(element.itertext()).strip()))
    return held


def in_bare_live_post(element: Any) -> bool:
    """Whether an element is in a bare live post (its `<time>`, its paragraph or what it holds): its day is the
    post's, not the byline's."""
    for block in (element, *islice(element.iterancestors(), BARE_POST_DEPTH)):
        time = block if block.tag == "time" else _opening_time(block)
        if time is not None and (post := bare_live_post(time)) is not None and (post is block or block is time):
            return True
    return False
