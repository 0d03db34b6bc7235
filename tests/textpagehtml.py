"""The HTML of the text page generator's pages (`tests/textpageworld.py`): the page's layout, the story's blocks and
each furniture part, named by what it is or, with `TextPage.hashed`, by a build tool's hashes.
"""

from __future__ import annotations

import re
import zlib

from newsflow.socialembeds import EMBED_CLASSES
from tests.textpagewords import (
    FIELD_LABELS,
    HEADLINES,
    LAST_LINES,
    PULL_QUOTE_CLASSES,
    STANDFIRSTS,
    SUBHEADS,
    SUMMARY_CLASSES,
    VIDEO_DURATION,
    WORDS,
)
from tests.textpageworld import (
    AFTER_STORY,
    BODY_CLASSES,
    CRUMB,
    TextPage,
    data_rows,
    editor_note,
    fact_rows,
    furniture_lines,
    lead_in,
    list_items,
    paragraphs,
    pull_quote,
    pull_quote_at,
    quote,
    read_also,
    social_chrome,
    social_platform,
    social_post,
    social_post_at,
    table_columns,
    video_at,
    video_box,
)

PLATFORM_CLASSES = {*EMBED_CLASSES, "fb-post"}
"""A social embed's classes its platform's script reads (Facebook's `fb-post` round its blockquote too)."""
OUTER_CLASSES = {"article": "", "main": "", "soup": "col-md-8 content-area", "split": "story-wrap"}


def render(page: TextPage) -> tuple[str, str]:
    """The page's HTML and URL."""
    has = set(page.furniture)
    title = HEADLINES[page.lang]
    top = (_part(page, "cookie") if "cookie" in has else "") + '<header class="site-header"><a href="/" ' \
        'class="logo">Example</a>' + (_part(page, "menu") if "menu" in has else "") + "</header>"
    head = ((_part(page, "breadcrumbs") if "breadcrumbs" in has else "") + f"<h1>{title}</h1>"
            + (f'<p class="standfirst">{STANDFIRSTS[page.lang]}</p>' if page.standfirst else "")
            + '<div class="byline">By <a href="/authors/jane-carter">Jane Carter</a></div>'
            + (_part(page, "photo") if "photo" in has else ""))
    body = _body(page, has)
    after = "".join(_part(page, kind) for kind in page.furniture
                    if kind in AFTER_STORY and (not page.inside or kind == "comments"))  # comments: never inside
    aside = _part(page, "most_read") if "most_read" in has else ""
    footer = _part(page, "footer") if "footer" in has else ""
    outer = OUTER_CLASSES[page.layout]
    if page.layout == "article":
        story = f"<main><article><header>{head}</header>{body}{after}</article>{aside}</main>"
    elif page.layout == "main":
        story = f'<main id="main">{head}{body}{after}{aside}</main>'
    else:
        story = (f'<div class="page-wrapper"><div class="row"><div class="{outer}"><div class="post-header">{head}'
                 f'</div>{body}{after}</div><div class="col-md-4 sidebar">{aside}</div></div></div>')
    html = (f'<!DOCTYPE html><html lang="{page.lang}"><head><meta charset="utf-8"><title>{title} | Example</title>'
            f'</head><body>{top}{story}{footer}</body></html>')
    return html, "https://www.example.org/news/2026/council-bus-routes"


def _blocks(page: TextPage, has: set[str]) -> list[str]:
    """The story's blocks in order, with the in-story furniture (contents, ad label, continue link) among them."""
    texts = paragraphs(page)
    blocks = [_part(page, kind) for kind in ("summary", "label", "facts") if kind in has]
    blocks += [_table(data_rows(page), "results", table_columns(page))] if page.data_table else []
    blocks += [_part(page, "contents")] if "contents" in has and page.subheads else []
    for position, text in enumerate(texts):
        if position in page.subheads:
            number = page.subheads.index(position)
            blocks.append(f'<h2 id="part-{number}">{SUBHEADS[page.lang][number % 4]}</h2>')
        blocks.append(f"<p>{text}</p>")
        if position == page.list_at:
            blocks += [f"<p>{lead_in(page)}</p>"] if page.lead_in else []
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in list_items(page)) + "</ul>")
        if position == page.quote_at:
            blocks.append(f"<blockquote><p>{quote(page)}</p></blockquote>")
        if position == 1 and "ad" in has:
            blocks.append(_part(page, "ad"))
        if position == 0 and "read_also" in has:
            blocks.append(_part(page, "read_also"))
        if position == social_post_at(page) and "social" in has:
            blocks.append(_part(page, "social"))
        if position == pull_quote_at(page) and "pull_quote" in has:
            blocks.append(_part(page, "pull_quote"))
        if position == video_at(page) and "video" in has:
            blocks.append(_part(page, "video"))
    if page.last_line is not None:
        blocks.append(f"<p>{LAST_LINES[page.lang][page.last_line]}</p>")
    blocks += [_part(page, "note")] if "note" in has else []
    if page.inside:  # a related box and an appeal mid-story, the other blocks at the container's end
        middle = [_part(page, kind) for kind in page.furniture if kind in ("related", "appeal")]
        blocks[min(len(blocks), 4):min(len(blocks), 4)] = middle
        blocks += [_part(page, kind) for kind in page.furniture if kind in AFTER_STORY and kind not in
                   ("related", "appeal", "comments")]
    if "continue" in has:
        blocks.insert(min(len(blocks), 3), _part(page, "continue"))
    return blocks


def _body(page: TextPage, has: set[str]) -> str:
    blocks = _blocks(page, has)
    inner = BODY_CLASSES[page.body_class].split()[0] if page.layout == "split" else BODY_CLASSES[page.body_class]
    if page.layout != "split":
        return f'<div class="{inner}">{"".join(blocks)}</div>'
    half = max(1, len(blocks) // 2)  # furniture blocks count: taking one away moves the cut (invariant 3 skips splits)
    return (f'<div class="{inner}">{"".join(blocks[:half])}</div><div class="inline-promo">'
            f'<a href="/subscribe">{WORDS[page.lang][4].split("|")[1]}</a></div>'
            f'<div class="{inner} {inner}--continued">{"".join(blocks[half:])}</div>')


def _links(texts: list[str], prefix: str) -> str:
    return "".join(f'<li><a href="/{prefix}/{k}-story">{text}</a></li>' for k, text in enumerate(texts))


def _part(page: TextPage, kind: str) -> str:
    """One furniture part's HTML; with `hashed` its classes and id say nothing of what it is, but a social embed's
    platform classes (`PLATFORM_CLASSES`): the platform's script finds the post by it, so no build tool renames it."""
    html = _named_part(page, kind)
    if not page.hashed:
        return html
    return re.sub(r'(class|id)="([^"]*)"',
                  lambda m: m[0] if m[2] in PLATFORM_CLASSES else f'{m[1]}="{_hashed(kind + m[2])}"', html)


def _hashed(name: str) -> str:
    """A class as a build tool names it ("sc-4821 x12"): stable for one name, saying nothing of what it is."""
    return f"sc-{zlib.crc32(name.encode()) % 9999:04d} x{len(name)}"


def _named_part(page: TextPage, kind: str) -> str:
    texts = furniture_lines(page, kind)
    if kind == "menu":
        return f'<nav class="main-nav"><ul class="menu">{_links(texts, "section")}</ul></nav>'
    if kind == "breadcrumbs":
        crumbs = texts[0].split(CRUMB)
        return ('<nav class="breadcrumb" aria-label="breadcrumb"><ol>' + _links(crumbs[:2], "section")
                + f"<li>{crumbs[2]}</li></ol></nav>")
    if kind == "share":
        buttons = "".join(f'<a class="share-button" href="https://share.example/{k}">{text}</a>'
                          for k, text in enumerate(texts[1:]))
        return f'<div class="share-bar"><span class="share-label">{texts[0]}</span>{buttons}</div>'
    if kind == "tags":
        return (f'<div class="article-tags"><span>{texts[0]}</span><ul class="tag-list">{_links(texts[1:], "tag")}'
                "</ul></div>")
    if kind in ("related", "most_read"):
        items = "".join(f'<li class="teaser"><a href="/news/{kind}-{k}"><h3>{text}</h3></a></li>'
                        for k, text in enumerate(texts[1:]))
        name = "related-articles" if kind == "related" else "most-read widget"
        return f'<section class="{name}"><h2>{texts[0]}</h2><ul>{items}</ul></section>'
    if kind == "appeal":
        return (f'<div class="newsletter-signup"><p>{texts[0]}</p><form action="/subscribe"><input type="email" '
                f'name="email"><button type="submit">{texts[1]}</button></form></div>')
    if kind == "comments":
        return (f'<section id="comments" class="comments-area"><h2>{texts[0]}</h2><ol class="comment-list">'
                f'<li class="comment"><div class="comment-author">{texts[1]}</div><div class="comment-content">'
                f'<p>{texts[2]}</p></div><a class="comment-reply-link" href="#respond">{texts[3]}</a></li>'
                "</ol></section>")
    if kind == "cookie":
        return (f'<div id="cookie-notice" class="cookie-banner"><p>{texts[0]}</p><button>{texts[1]}</button>'
                "</div>")
    if kind == "footer":
        return f'<footer class="site-footer"><p>{texts[0]}</p><p>{texts[1]}</p></footer>'
    if kind == "photo":
        return (f'<figure class="wp-caption"><img src="/img/depot.jpg" alt=""><figcaption>{texts[0]} '
                f'<span class="credit">{texts[1]}</span></figcaption></figure>')
    if kind == "author":
        return (f'<div class="author-box"><img src="/img/jane.jpg" alt=""><p class="author-bio">{texts[0]}</p>'
                "</div>")
    if kind == "contents":
        return ('<nav class="table-of-contents"><ul>' + "".join(
            f'<li><a href="#part-{k}">{text}</a></li>' for k, text in enumerate(texts)) + "</ul></nav>")
    if kind == "continue":
        return f'<p class="read-more-link"><a href="/news/2026/council-bus-routes?page=2">{texts[0]}</a></p>'
    if kind == "label":
        return _field_label(page)
    if kind == "facts":
        return _table(fact_rows(page), "fact-box", table_columns(page, facts=True))
    if kind == "summary":
        return _summary_box(page, texts)
    if kind in ("pull_quote", "read_also", "note", "social"):
        return _in_story_part(page, kind)
    if kind == "video":
        return _video_box(page)
    if kind == "ad":
        return f'<div class="ad-slot"><span class="ad-label">{texts[0]}</span><div class="ad-unit"></div></div>'
    raise ValueError(kind)


def _in_story_part(page: TextPage, kind: str) -> str:
    """A part among the story's paragraphs (thirty-eighth pass, text), in one of two forms by the page's variant: a
    pull quote (an `<aside>` or a `<figure>` round a `<blockquote>`), a "read also" link (a label in bold before the
    link, or the label inside the link after a bar), an embedded social post (a `<blockquote>` of the post and its
    author's line, alone or in a `<figure>`) and an editor's note (in italics, or a `<div>` round a `<p>`)."""
    form = page.variant % 2
    if kind == "pull_quote":
        name = PULL_QUOTE_CLASSES[page.variant % len(PULL_QUOTE_CLASSES)]
        inner = f"<blockquote><p>{pull_quote(page)}</p></blockquote>"
        return (f'<aside class="{name}">{inner}</aside>', f'<figure class="{name}">{inner}</figure>')[form]
    if kind == "read_also":
        label, headline = read_also(page)
        return (f'<p class="read-also"><strong>{label}:</strong> <a href="/news/other-story">{headline}</a></p>',
                f'<p class="read-also"><a href="/news/other-story">{label} | {headline}</a></p>')[form]
    if kind == "social":
        post = _social_embed(page)
        return (post, f'<figure class="embed embed--social">{post}</figure>')[form]
    label, text = editor_note(page)
    return (f'<p class="editors-note"><em><strong>{label}</strong> {text}</em></p>',
            f'<div class="correction-note"><p><b>{label}</b> {text}</p></div>')[form]


def _social_embed(page: TextPage) -> str:
    """An embedded social post in its platform's embed code (thirty-ninth pass, text: the shapes of each platform's
    published embed snippet, its script left out): X's and Bluesky's a `<blockquote>` of the post's words and the
    author's line, Instagram's a captioned `<blockquote>` with its "View this post" link, Facebook's a `div.fb-post`
    round a `<blockquote>` of the words and "Posted by", Mastodon's a `<blockquote>` of a link holding the author's
    handle and "View on Mastodon" (its words come only from its script)."""
    words, name, handle, day = social_post(page)
    platform, lang = social_platform(page), page.lang
    if platform == "twitter":
        return (f'<blockquote class="twitter-tweet"><p lang="{lang}" dir="ltr">{words}</p>&mdash; {name} '
                f'({handle}) <a href="https://x.example/{handle[1:]}/status/1">{day}</a></blockquote>')
    if platform == "instagram":
        link, chrome = "https://instagram.example/p/C1x/?utm_source=ig_embed", social_chrome(page)[0]
        return (f'<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink="{link}" '
                f'data-instgrm-version="14"><div><a href="{link}" target="_blank"><div><div>{chrome}</div></div></a>'
                f'<p><a href="{link}" target="_blank">{words}</a></p><p>A post shared by '
                f'<a href="https://instagram.example/{handle[1:]}/" target="_blank">{name}</a> ({handle})</p>'
                "</div></blockquote>")
    if platform == "facebook":
        link = f"https://facebook.example/{handle[1:]}/posts/1"
        return (f'<div class="fb-post" data-href="{link}" data-width="500" data-show-text="true"><blockquote '
                f'cite="{link}" class="fb-xfbml-parse-ignore"><p>{words}</p>Posted by <a href="https://facebook.'
                f'example/{handle[1:]}">{name}</a> on <a href="{link}">{day}</a></blockquote></div>')
    if platform == "bluesky":
        return (f'<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:abc/app.bsky.feed.post/3k" '
                f'data-bluesky-cid="bafyre"><p lang="{lang}">{words}</p>&mdash; {name} (<a href="https://bsky.example/'
                f'profile/did:plc:abc">{handle[1:]}.bsky.social</a>) <a href="https://bsky.example/profile/did:plc:'
                f'abc/post/3k">{day}</a></blockquote>')
    link = f"https://social.example/{handle}/1"
    return (f'<blockquote class="mastodon-embed" data-embed-url="{link}/embed"><a href="{link}" target="_blank">'
            f'<div>Post by {handle}@social.example</div><div>{social_chrome(page)[0]}</div></a></blockquote>')


def _video_box(page: TextPage) -> str:
    """A video box mid-story (fortieth pass, text), in one of two forms by the page's variant: a site's own player (a
    label, the `<video>`, a play button, the title and the running time) or an embedded player's `<iframe>` in a
    `<figure>` (the label above, the running time on the frame, the title as its caption)."""
    label, button, title = video_box(page)
    if page.variant % 2 == 0:
        return (f'<div class="video-player"><span class="video-player__label">{label}</span><video controls '
                f'preload="none" poster="/img/bus-video.jpg" src="/media/bus.mp4"></video><button type="button" '
                f'class="video-player__play">{button}</button><p class="video-player__title">{title}</p><span '
                f'class="video-player__duration">{VIDEO_DURATION}</span></div>')
    return (f'<figure class="video-embed"><div class="video-embed__label">{label}</div><div class="video-embed__frame">'
            f'<iframe src="https://video.example/embed/bus-line" title="{title}" allowfullscreen></iframe><button '
            f'type="button" class="video-embed__play">{button}</button><span class="video-embed__duration">'
            f'{VIDEO_DURATION}</span></div><figcaption>{title}</figcaption></figure>')


def _summary_box(page: TextPage, texts: list[str]) -> str:
    """A summary box above the story: its label a heading or a bold line, over a list of the story's points."""
    name = SUMMARY_CLASSES[page.variant % len(SUMMARY_CLASSES)]
    label = (f'<h2 class="{name}__title">{texts[0]}</h2>', f"<p><strong>{texts[0]}</strong></p>")[page.variant % 2]
    return f'<div class="{name}">{label}<ul>' + "".join(f"<li>{point}</li>" for point in texts[1:]) + "</ul></div>"


def _field_label(page: TextPage) -> str:
    """A field's label, whole in one text node or split by inline tags (thirty-second pass, text)."""
    label = FIELD_LABELS[page.lang]
    first, rest = label.split(" ", 1)
    return ('<div class="field-label">' + (label, f"<b>{first}</b> {rest}",
            f"<span>{first}</span> <em>{rest.rstrip(' :')}</em>{rest[len(rest.rstrip(' :')):]}")[page.variant % 3]
            + "</div>")


def _table(rows: list[tuple[str, str]], name: str, columns: int) -> str:
    """A table of labels and values: two columns, or one cell a row (`textpageworld.table_line`)."""
    cells = ("".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in rows) if columns == 2
             else "".join(f"<tr><td>{label} {value}</td></tr>" for label, value in rows))
    return f'<table class="{name}"><tbody>{cells}</tbody></table>'
