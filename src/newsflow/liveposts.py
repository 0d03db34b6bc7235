"""A live blog's posts that no class or id names (docs/extraction.md, "Thirty-ninth pass, dates").

The ninth and thirty-eighth passes know a live post by its names ("live-post", "liveblog-entry":
`pageblocks.LIVE_POST`). A theme may write its posts as bare blocks, `<div><time …>…</time><p>…</p></div>`, the
newest first; the newest post's `<time>` in the byline's reach then became the byline's, and the blog was not dated
by its first post. A post is told here by its shape: a block that opens with a dated `<time>` (nothing printed
before it) and holds a paragraph after it, one of at least `BARE_POSTS` such blocks of its tag and class under one
parent. A byline is one such block at most (its `<time>` and the author's line), so it is never a post.

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

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


def bare_live_post(time: Any) -> Any:
    """The bare live post a `<time>` opens, or None: the nearest ancestor (within `BARE_POST_DEPTH`) that the
    `<time>` opens and that holds a paragraph, among `BARE_POSTS` or more siblings of its tag and class shaped so."""
    if time.tag != "time" or not time.get("datetime"):
        return None
    child = time
    for block in islice(time.iterancestors(), BARE_POST_DEPTH):
        if (block.text or "").strip() or len(block) == 0 or block[0] is not child:
            return None  # something is printed before the time: it opens no block higher up either
        if _holds_paragraph(block):
            return block if _among_posts(block) else None
        child = block
    return None


def _among_posts(post: Any) -> bool:
    parent = post.getparent()
    if parent is None:
        return False
    shaped = 0
    for sibling in islice(parent.iterchildren(post.tag), MAX_POSTS_ASKED):
        if sibling.get("class") == post.get("class") and _opening_time(sibling) is not None \
                and _holds_paragraph(sibling):
            shaped += 1
            if shaped >= BARE_POSTS:
                return True
    return False


def _opening_time(block: Any) -> Any:
    """The dated `<time>` a block opens with (nothing printed before it, within `BARE_POST_DEPTH` levels), or None."""
    for _ in range(BARE_POST_DEPTH):
        if (block.text or "").strip() or len(block) == 0:
            return None
        block = block[0]
        if block.tag == "time":
            return block if block.get("datetime") else None
    return None


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
