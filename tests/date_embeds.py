"""Embedded social posts in a story (session 24): a tweet, an Instagram, Bluesky, Facebook, Threads, Mastodon or
TikTok post quoted in the story, as the platforms' embed codes write them before their scripts run. Each prints
the post's own day ("— M&S (@marksandspencer) November 1, 2023", "A post shared by … on Nov 18, 2026"), which is
no day of the page: a post is quoted because it came before the story. On a page whose URL, JSON-LD or byline
dates it, that post's day under the headline was read as the page's (thepoke.com, an M&S tweet two days before
the story: htmldate was right).

Each page is hand-written from the platforms' documented embed codes, not copied from a site. Each entry is
(name, html, url, the day a run stores for it fetched at `tests.date_batch20.FETCHED` from a feed item without a
date). The first set was written before any rule; the second (`*_AFTER`) before the rule too and run once after.
"""

from __future__ import annotations

import json
from datetime import date

from tests.test_date_classes import STORY, TITLE

NOV_20 = date(2026, 11, 20)


def tweet(day: str, text: str = "Sound the klaxon, our winter ad is here!", lang: str = "en") -> str:
    return (f'<blockquote class="twitter-tweet"><p lang="{lang}" dir="ltr">{text} '
            '<a href="https://t.co/abc">pic.twitter.com/abc</a></p>&mdash; Example Shop (@exampleshop) '
            f'<a href="https://twitter.com/exampleshop/status/1719621634984759346?ref_src=twsrc%5Etfw">{day}</a>'
            '</blockquote><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>')


def instagram(day: str, iso: str) -> str:
    return ('<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/Cx1/" '
            'data-instgrm-version="14"><div><a href="https://www.instagram.com/p/Cx1/" target="_blank">View this post '
            'on Instagram</a><p><a href="https://www.instagram.com/p/Cx1/">A post shared by Example Singer '
            f'(@examplesinger)</a> on <time style="font-family:Arial" datetime="{iso}">{day}</time></p></div>'
            '</blockquote><script async src="//www.instagram.com/embed.js"></script>')


def bluesky(day: str) -> str:
    return ('<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:abc/app.bsky.feed.post/3k" '
            'data-bluesky-cid="bafy"><p lang="en">The bridge is closed until further notice.</p>&mdash; City Roads '
            '(<a href="https://bsky.app/profile/did:plc:abc?ref_src=embed">@cityroads.bsky.social</a>) '
            f'<a href="https://bsky.app/profile/did:plc:abc/post/3k?ref_src=embed">{day}</a></blockquote>'
            '<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>')


def facebook(day: str) -> str:
    return ('<div class="fb-post" data-href="https://www.facebook.com/example/posts/101" data-width="500">'
            '<blockquote cite="https://www.facebook.com/example/posts/101" class="fb-xfbml-parse-ignore">'
            '<p>We are proud to open our new library this weekend.</p>Posted by '
            '<a href="https://www.facebook.com/example">Example Town</a> on '
            f'<a href="https://www.facebook.com/example/posts/101">{day}</a></blockquote></div>')


def threads(day: str) -> str:
    return ('<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/@ex/post/C1" '
            'data-text-post-version="0"><a href="https://www.threads.net/@ex/post/C1">Post by @ex</a>'
            f'<div>View on Threads</div><div>{day}</div></blockquote>'
            '<script async src="https://www.threads.net/embed.js"></script>')


def mastodon(day: str) -> str:
    return ('<blockquote class="mastodon-embed" data-embed-url="https://mastodon.social/@ex/111/embed">'
            '<a href="https://mastodon.social/@ex/111">Post by @ex@mastodon.social</a>'
            f'<p>The ferry runs again from Monday.</p><p>{day}</p></blockquote>'
            '<script data-allowed-prefixes="https://mastodon.social/" async src="https://mastodon.social/embed.js">'
            '</script>')


def story_with(embed: str, head: str = "", byline: str = "", lang: str = "en") -> str:
    """A story whose first element after the headline (and byline, if any) is `embed`."""
    by = f'<div class="byline"><span class="author">A. Writer</span> {byline}</div>' if byline else ""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><header><a href="/">Home</a>'
            f"</header><article><h1>{TITLE}</h1>{by}<p>The shop's winter campaign began this week.</p>{embed}"
            f"{STORY}</article><footer>© 2026 Example</footer></body></html>")


def ld(published: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE, "datePublished": published}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def meta(published: str) -> str:
    return f'<meta property="article:published_time" content="{published}">'


DATED_URL = "https://news.example.com/2026/11/20/winter-campaign"
PLAIN_URL = "https://news.example.com/culture/winter-campaign"
EMBED_PAGES: list[tuple[str, str, str, date | None]] = [
    ("tweet-url-ld", story_with(tweet("November 18, 2026"), ld("2026-11-20T11:04:22+00:00")), DATED_URL, NOV_20),
    ("tweet-url-only", story_with(tweet("November 18, 2026")), DATED_URL, NOV_20),
    ("tweet-ld-only", story_with(tweet("November 18, 2026"), ld("2026-11-20T11:04:22+00:00")), PLAIN_URL, NOV_20),
    ("instagram-meta", story_with(instagram("Nov 17, 2026", "2026-11-17T18:30:00+00:00"),
                                  meta("2026-11-20T08:00:00+00:00")), PLAIN_URL, NOV_20),
    ("bluesky-url", story_with(bluesky("November 19, 2026 at 3:05 PM")), DATED_URL, NOV_20),
    ("facebook-ld-de", story_with(facebook("Dienstag, 17. November 2026"), ld("2026-11-20T09:00:00+01:00"),
                                  lang="de"), "https://www.example.de/kultur/bibliothek-12", NOV_20),
    # guard: the byline prints the page's day above the embed, as before
    ("tweet-after-byline", story_with(tweet("November 18, 2026"), byline="20 November 2026"), PLAIN_URL, NOV_20),
]
EMBED_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("threads-url", story_with(threads("11/18/2026")), DATED_URL, NOV_20),
    ("mastodon-ld", story_with(mastodon("Nov 18, 2026, 09:12"), ld("2026-11-20T07:00:00Z")), PLAIN_URL, NOV_20),
    ("tweet-es-url", story_with(tweet("18 de noviembre de 2026", "¡Ya está aquí nuestro anuncio!", "es"),
                                lang="es"), "https://www.example.es/2026/11/20/campana-invierno", NOV_20),
    ("tweet-fr-meta", story_with(tweet("18 novembre 2026", "Notre publicité d'hiver est là !", "fr"),
                                 meta("2026-11-20T10:00:00+01:00"), lang="fr"),
     "https://www.example.fr/culture/campagne-hiver", NOV_20),
]
