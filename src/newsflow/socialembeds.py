"""An embedded social post's platform chrome: the links a platform's embed code prints round the post.

A story embeds a post in its platform's code: a `<blockquote>` the platform's script replaces (X's `twitter-tweet`,
Instagram's `instagram-media`, Facebook's `fb-xfbml-parse-ignore`, Bluesky's `bluesky-embed`, Mastodon's
`mastodon-embed`, TikTok's `tiktok-embed`, Threads' `text-post-media`). Without the script trafilatura reads the
blockquote's fallback: the post's words (kept or dropped by the unconfirmed lines' rule, as the thirty-eighth pass
decided) and the platform's links round them, "View this post on Instagram", Mastodon's "Post by @name@host" and
"View on Mastodon" glued into one line ("…@social.exampleView on Mastodon"). A reader never wants those: a line
that is wholly the text of such a link, outside the post's paragraphs, goes (docs/extraction.md, "Thirty-ninth
pass, text").
"""

from __future__ import annotations

from typing import Any

from newsflow.pageblocks import bounded_text, printed_outside
from newsflow.text import PARAGRAPH_SEPARATOR

EMBED_CLASSES = ("twitter-tweet", "instagram-media", "fb-xfbml-parse-ignore", "bluesky-embed", "mastodon-embed",
                 "tiktok-embed", "text-post-media")
"""The classes of the `<blockquote>` each platform's embed code prints (its fallback before its script runs)."""
_AN_EMBED = "blockquote[" + " or ".join(f"contains(@class, '{name}')" for name in EMBED_CLASSES) + "]"
_EMBED_LINKS = f"//body//{_AN_EMBED}//a[not(ancestor::p)]"
"""The embeds' links outside their paragraphs: the platform's chrome (a post's words, and a caption's link, sit in
a `<p>`). One walk in C."""
MAX_LINKS_READ = 40
LINK_MAX_CHARACTERS = 300
"""A platform's link is a few words; a longer one is not read (a hostile page's huge link)."""
CHROME_MAX_WORDS = 8
"""A platform's link is a few words and no sentence ("View this post on Instagram", "Sieh dir diesen Beitrag auf
Instagram an", a day, a name, a handle); a link longer or ending a sentence is the post's words pasted without their
`<p>` (review of the thirty-ninth pass), which the unconfirmed lines' rule keeps or drops, not this one."""
_SENTENCE_END = (".", "!", "?", "\u2026")


def drop_embed_chrome(text: str, tree: Any) -> str:
    """The text without the lines that are wholly an embed's chrome link (compared without their spaces, as the
    embed's blocks run together in trafilatura's line); the text as it is when the page embeds no post."""
    if tree is None or not text:
        return text
    chrome = _chrome_links(tree)
    if not chrome:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    kept = [line for line in lines if _unspaced(line) not in chrome or printed_outside(tree, line, _in_embed)]
    return text if len(kept) == len(lines) else PARAGRAPH_SEPARATOR.join(kept)


def _chrome_links(tree: Any) -> set[str]:
    """Each embed link's text and each of its pieces, without spaces: where the completion from readability's text
    puts the link's blocks back (a split story), they come one a line ("Post by @name@host", "View on Mastodon")."""
    found: set[str] = set()
    for link in tree.xpath(_EMBED_LINKS)[:MAX_LINKS_READ]:
        shown = bounded_text(link, LINK_MAX_CHARACTERS, "\n")
        if shown is not None and not _post_words(shown):
            found.update(_unspaced(piece) for piece in (shown, *shown.split("\n")))
    found.discard("")
    return found


def _post_words(shown: str) -> bool:
    return len(shown.split()) > CHROME_MAX_WORDS or shown.rstrip().endswith(_SENTENCE_END)


def _in_embed(element: Any) -> bool:
    """Whether the element is in a platform's embed: a story's own subhead printing a page's name the embed links
    to is not (review of the thirty-ninth pass)."""
    return bool(element.xpath(f"boolean(ancestor-or-self::{_AN_EMBED})"))


def _unspaced(text: str) -> str:
    return "".join(text.split())
