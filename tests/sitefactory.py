"""Build small news sites for tests: article pages in a site template, and RSS/Atom feeds.

The text is generated from a fixed vocabulary with a seeded RNG, so every story is distinct
and every run builds the same bytes.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape

_WORDS = """
officials said the ministry council regional forces agreement talks economy markets prices energy
government minister report week statement security border villages strikes aid water harvest union
workers factory exports bank rates inflation court ruling election campaign voters parliament
budget hospital doctors patients schools teachers students river flooding storm coast fishermen
port city
"""
VOCABULARY = tuple(_WORDS.split())

CENTCOM_PARAGRAPHS = (
    "U.S. Central Command forces conducted precision strikes on Tuesday against facilities in eastern Syria "
    "used by groups affiliated with Iran's Islamic Revolutionary Guard Corps, the command said in a statement.",
    "The strikes targeted a weapons storage facility and a command and control site near Abu Kamal and were "
    "taken in response to a series of attacks against U.S. personnel in Iraq and Syria over recent weeks.",
    "No U.S. personnel were injured in the operation, which was carried out by fighter aircraft flying from "
    "bases in the region, according to the statement released by the command's headquarters in Tampa.",
    "The United States does not seek conflict and has no intention of engaging in further hostilities, the "
    "statement said, but the attacks against U.S. forces must stop and the forces will defend themselves.",
    "Defense officials said a full assessment of the damage was under way and that the targets had been "
    "chosen to limit the risk of civilian casualties in the surrounding villages along the Euphrates river.",
    "The strikes were the latest in a series of operations that the command has carried out since October, "
    "when attacks by militia groups on bases housing American troops in the region increased sharply.",
)


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str = "Staff Reporter"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def generated_story(seed: int, paragraphs: int = 6, words: int = 60) -> Story:
    rng = random.Random(seed)
    body = tuple(" ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize() + "." for _ in range(paragraphs))
    title = " ".join(rng.choice(VOCABULARY) for _ in range(6)).title()
    published = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=seed)
    return Story(f"story-{seed}", title, body, published, author=f"Reporter {seed}")


def centcom_story() -> Story:
    return Story(
        "centcom-strikes-syria",
        "U.S. strikes Iran-backed groups in Syria",
        CENTCOM_PARAGRAPHS,
        datetime(2026, 11, 12, 14, 30, tzinfo=UTC),
        author="Wire Service",
    )


@dataclass
class Site:
    """One outlet: its name and the boilerplate around every article."""

    name: str
    nav: tuple[str, ...] = ("World", "Business", "Technology", "Sport", "Culture")
    comments: tuple[str, ...] = field(default_factory=lambda: ("Great article, thanks for sharing this!",))

    def article_page(self, story: Story, *, canonical: str | None = None, headline: str | None = None) -> bytes:
        nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in self.nav)
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
        comments = "".join(f'<div class="comment"><p>{escape(c)}</p></div>' for c in self.comments)
        link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(headline or story.title)} | {escape(self.name)}</title>
<meta name="author" content="{escape(story.author)}">
<meta property="article:published_time" content="{story.published.isoformat()}">
<meta property="og:site_name" content="{escape(self.name)}">
{link}
</head><body>
<header><div class="logo">{escape(self.name)}</div><nav><ul>{nav}</ul></nav></header>
<main><article>
<h1>{escape(headline or story.title)}</h1>
<p class="byline">By {escape(story.author)}</p>


{paragraphs}


</article>
<aside class="share">Share this article on social media</aside>
<section id="comments"><h2>Comments</h2>{comments}</section>
</main>
<footer><p>Copyright 2026 {escape(self.name)}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>""".encode()


def rss_feed(title: str, items: list[tuple[str, str, datetime | None]], *, guid: bool = True) -> bytes:
    """RSS 2.0; each item is (title, link, published or None). Links may be relative."""
    rendered = "".join(_rss_item(t, link, published, guid) for t, link, published in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>http://example.org/</link><description>test</description>{rendered}</channel></rss>"
    ).encode()


def _rss_item(title: str, link: str, published: datetime | None, guid: bool) -> str:
    parts = [
        f"<title>{escape(title)}</title>",
        f"<link>{escape(link)}</link>",
        f"<description>{escape(title)} summary</description>",
    ]
    if guid:
        parts.append(f'<guid isPermaLink="false">{escape(link)}#guid</guid>')
    if published:
        parts.append(f"<pubDate>{published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def atom_feed(title: str, items: list[tuple[str, str, datetime]]) -> bytes:
    rendered = "".join(
        f'<entry><title>{escape(t)}</title><link href="{escape(link)}"/>'
        f"<id>urn:sha1:{hashlib.sha1(link.encode()).hexdigest()}</id>"
        f"<updated>{published.isoformat()}</updated><summary>{escape(t)}</summary></entry>"
        for t, link, published in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        f"<updated>2026-11-24T00:00:00Z</updated>{rendered}</feed>"
    ).encode()
