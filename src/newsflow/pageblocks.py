"""Which block of a page an element is in, as the date rules need to know: the story's byline, or
a block of other stories (a related list, a sidebar, `<aside>`, not the story's meta column in one, `<nav>`,
`<footer>`; fifteenth pass: a "latest" list, readers' comments, the site's top bar or `<header>`), a photo caption,
the story's prose (seventh pass, docs/extraction.md).

The blocks are told apart relative to the headline: only the elements that hold an element but not
the headline are read, so a `<body class="has-sidebar">` says nothing about the byline under it.
Class names are read for other stories (related, recommend, more-news, popular, trending, most-read,
read-next, sidebar, newsletter; "latest" or "latest-news", "comments", disqus; sixteenth pass: the same
lists in the page's language, "ultimas-noticias", "weitere-artikel", "autres-articles" …), not "teaser", which sites
give their story's own header too, nor "commentary" or "latest-updates" (an opinion page's or a live
blog's own), nor "has-comments" or "comments-count" (a byline's). A "top-bar" or "masthead" is the
site's only outside the headline's `<article>` (without one, two levels or more from the headline)
and in a class word naming no story: stories name their own header so too
("ArticleHeader_topBar__a1b2", "story-top-bar", "post-masthead"); nor in the page's `<main>`, where a
top bar with the section and the day is the story's (sixteenth pass). Eighteenth pass: a block named as
a list that holds the story's prose is the story's wrapper ("section-latest-news" under the headline:
`_holds_story`), and a block before the headline outside the story is the site's bar (`sitechrome.site_bar`), where
sites print today's date under any name. Twenty-third pass: a cookie or consent notice ("cookie-consent",
"cmp-banner", "gdpr-notice", OneTrust's, Didomi's) is such a block too, prose and all. Session 24: so is a social
post embedded in the story (a tweet's, an Instagram or Bluesky post's embed code), whose day is the post's.
The site's own blocks (its top bar, masthead, `<header>` and menu, the page's `<main>`, the story's wrapper) are
told by `sitechrome`, split out of this module, and dated teasers whatever their names (a list's items, cards among
cards) by `teasercards` (review of the fortieth pass).

Pure: an lxml tree walked by its methods only, and the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from newsflow.boundedtext import INLINE_TAGS as INLINE_TAGS  # read from here by the text and date modules
from newsflow.boundedtext import bounded_text as bounded_text
from newsflow.metacolumns import labelled_date_box, meta_row_between, names_story_meta, storys_meta_column
from newsflow.pagememo import per_page
from newsflow.sitechrome import CHROME_DEPTH, SITE_CHROME, STORY_WORD, in_main, is_site_header, story_wrapper
from newsflow.teasercards import TEASER_LEVELS, TEASER_TAGS, teaser_list_item
from newsflow.text import token_f1

PROSE_WORDS = 10
"""A text of this many words or more that ends as a sentence is the story's prose, not its byline."""


# Thai writes a time of day "09:15 น." (นาฬิกา, "o'clock"): a byline ending so ends in no sentence
_THAI_CLOCK_END = re.compile(r"\d[:.]\d\d\s*น\.$")


def is_prose(line: str) -> bool:
    """A sentence of the story, not a byline: ten words or more ending as a sentence does ("The
    festival runs from 15 May 2026 to 20 May, organisers said.": the date of an event); a Thai
    time's "น." is no sentence's end (fourteenth pass)."""
    ends = line.endswith((".", "!", "?", "\u3002")) and not _THAI_CLOCK_END.search(line)
    return ends and len(line.split()) >= PROSE_WORDS


_OTHER_STORIES = re.compile(
    r"related|recommend|more-?(?:stories|news|from)|popular|trending|most-?(?:read|viewed)|read-?next|sidebar|"
    r"newsletter|"
    # fifteenth pass: lists of the latest stories (not a live blog's "latest-updates"), readers' comments
    # (not "commentary", an opinion page's own; not a byline's comment count or a "has-comments" flag)
    r"latest(?:-?(?:news|stories|articles|headlines))?(?![\w-])|"
    r"(?<!has-)(?<!no-)(?<!with-)comments?(?![a-z]|[-_]?(?:count|link|number|enabled|open|closed|icon|button))|"
    r"commentlist|disqus|"
    # sixteenth pass: the same lists named in the page's language, as CMS themes of Spain and Latin
    # America, Brazil, Germany, France, Italy, Indonesia, Turkey, the Netherlands, Poland, Vietnam and
    # Scandinavia write them (a whole compound word, not "weiter" or "terbaru" alone)
    r"ultimas?[-_]?(?:noticias|notas|not[ií]cias)|(?:noticias|not[ií]cias|notas|articulos)[-_]?relacionad|"
    r"relacionad[ao]s|mais[-_]?lid[ao]s|mas[-_]?(?:leid|vist)|(?:leia|veja|lee|lea)[-_]?tamb[eé]m|"
    r"(?:leia|veja|lee|lea)[-_]?tambi[eé]n|otras[-_]?noticias|"
    r"weitere[-_]?(?:artikel|beitr(?:a|ä|ae)ge|nachrichten|meldungen)|mehr[-_]?zum[-_]?thema|lesen[-_]?sie[-_]?auch|"
    r"meistgelesen|autres[-_]?(?:articles|actus|actualites)|(?:a[-_])?lire[-_]?aussi|plus[-_]?lus|"
    r"sur[-_]?le[-_]?meme[-_]?(?:sujet|theme)|altre[-_]?notizie|leggi[-_]?anche|(?:articoli|notizie)[-_]?correlat|"
    r"piu[-_]?lett[ei]|ultime[-_]?notizie|(?:berita|artikel)[-_]?(?:terkait|terbaru|lainnya|populer)|baca[-_]?juga|"
    r"terpopuler|ilgili[-_]?haber|diger[-_]?haber|(?:en[-_]?)?cok[-_]?okunan|son[-_]?haberler|gerelateerd|"
    r"meest[-_]?gelezen|lees[-_]?ook|meer[-_]?nieuws|powiazane|czytaj[-_]?(?:takze|rowniez|tez)|najnowsze|"
    r"najczesciej[-_]?czytane|tin[-_]?(?:lien[-_]?quan|moi|khac)|relaterade|relaterte|relaterede|mest[-_]?lasta|"
    r"senaste[-_]?nytt|siste[-_]?nytt",
    re.IGNORECASE,
)
_NOTICE = re.compile(
    r"cookies?[-_]?(?:banner|notice|consent|bar|popup|law|policy|wall|modal|layer|message|alert|box|overlay|dialog|"
    r"accept|settings|warning|container)|cookiebot|cc[-_](?:window|banner)|consent|gdpr|rgpd|dsgvo|qc-cmp|cmpbox|"
    r"cmp[-_]?(?:banner|root|layer)|sp_message|onetrust|didomi|usercentrics|"
    r"privacy[-_]?(?:banner|notice|bar|popup|modal|layer)",
    re.IGNORECASE,
)
"""A cookie or consent notice (twenty-third pass): the day it prints is the reader's choice's, and its sentences are
no story's, whatever prose it holds (so not `_holds_story`). Not "cmp-" alone: Adobe AEM's components ("cmp-text",
"cmp-title", "cmp-container") hold the story itself; nor "cookie" alone: a recipe site's "cookies-recipe" is its
story's block."""
_CAPTION = re.compile("caption", re.IGNORECASE)
_EMBEDDED_POST = re.compile(
    r"twitter-tweet(?:-rendered)?|instagram-media|tiktok-embed|bluesky-embed|fb-post|fb-xfbml-parse-ignore|"
    r"text-post-media|mastodon-embed|reddit-embed-bq|"
    r"wp-block-embed-(?:twitter|x|instagram|facebook|tiktok|bluesky|threads|mastodon|reddit)",
    re.IGNORECASE,
)
"""A social post embedded in the story, as the platforms' embed codes (and WordPress's embed blocks) name it
(session 24): the day it prints ("— Example Shop (@exampleshop) November 18, 2026") is the post's, which came
before the story that quotes it. A whole class word only: a share button's "tweet-this" is no post."""


@lru_cache(maxsize=4096)
def _embedded_post(names: str) -> bool:
    return any(_EMBEDDED_POST.fullmatch(word) for word in names.split())


def elsewhere(text: Any, headline_ancestors: dict[Any, int], article: int) -> bool:
    """Whether a text after the headline belongs to another block than its byline: a photo caption,
    a list of other stories, a sidebar, the navigation or the footer (`other_stories_block`), or a
    part of the page outside the `<article>` that holds the headline."""
    element = text_element(text)
    in_other = other_stories_block(element, headline_ancestors, article, captions=True)
    return in_other or common_ancestor(element, headline_ancestors) > article


TEXT_HOLDING = "//body//text()[contains(., $probe)]"
"""The page's text nodes that hold a string, in one walk in C: `tree.xpath(TEXT_HOLDING, probe=...)`."""


def text_element(text: Any) -> Any:
    """The element a text node (lxml's XPath string result) belongs to: its parent's for a tail."""
    return text.getparent().getparent() if text.is_tail else text.getparent()


PRINTED_NODES_READ = 20
FIRST_TEXT_HOLDING = "(//body/descendant::text()[contains(., $probe)])[position() <= $count]"
"""TEXT_HOLDING's first `$count` nodes, built alone: bracketed, as a step's predicate counts per `<body>` (review)."""


def printed_outside(tree: Any, line: str, inside: Callable[[Any], bool]) -> bool:
    """Whether the page prints the line as the whole text of an element `inside` does not claim (a summary box's point,
    an embed's link, a player's label): FIRST_TEXT_HOLDING its longest word, climbed while no longer than the line."""
    wanted = " ".join(line.split())
    if not wanted:
        return False
    for node in tree.xpath(FIRST_TEXT_HOLDING, probe=max(wanted.split(" "), key=len), count=PRINTED_NODES_READ):
        element = text_element(node)
        while element is not None and isinstance(element.tag, str):
            shown = bounded_text(element, len(wanted) + 20)
            if shown is None:
                break
            if " ".join(shown.split()) == wanted:
                if not inside(element):
                    return True
                break  # the deepest element printing the line is the rule's block: a wrapper round it is too
            element = element.getparent()
    return False


def in_story(element: Any, headline_ancestors: dict[Any, int], article: int) -> bool:
    """Whether an element is inside the headline's `<article>` and in no block of other stories or caption
    there (twentieth pass: the story prints this date itself); never on a page without an `<article>`."""
    if article >= len(headline_ancestors) or common_ancestor(element, headline_ancestors) > article:
        return False
    return not other_stories_block(element, headline_ancestors, article, captions=True)


def other_stories_block(element: Any, headline_ancestors: dict[Any, int], article: int,
                        captions: bool = False) -> bool:
    """Whether an element is in a block of other stories: one whose class or id says so (related,
    sidebar …; not "teaser": sites name their story's own header so), an `<aside>` or `<nav>`, or
    a `<footer>` outside the headline's `<article>` (an article's own `<footer>` holds its byline as
    often: "Posted on 1 March 2026"; on a page without an `<article>`, any), and so the site's `<header>`,
    top bar or masthead (`SITE_CHROME`), and a cookie or consent notice (`_NOTICE`, twenty-third pass); with
    `captions`, in a photo caption too. Only the elements that hold it but not the headline are read."""
    tagged = chrome = header = hero = meta = False
    levels = 0
    while element is not None and element not in headline_ancestors:
        other, named_chrome, named_notice = _names_say(f"{element.get('class') or ''} {element.get('id') or ''}")
        if named_notice and not _holds_story(element, NOTICE_STORY_PARAGRAPHS):
            return True
        if other and not _holds_story(element) and not _part_of_headlines_block(element, headline_ancestors, article):
            return True
        chrome = chrome or named_chrome
        if captions and (element.tag == "figcaption" or _CAPTION.search(str(element.get("class") or ""))):
            return True
        meta = meta or names_story_meta(element)  # twenty-eighth pass: the story's meta column in an `<aside>`
        aside = element.tag == "aside" and not (meta and storys_meta_column(element)) and not (
            headline_ancestors.get(element.getparent()) == article and labelled_date_box(element)) and not (
            meta_row_between(element, is_prose))  # thirty-sixth pass: the story's meta row under its standfirst
        if aside or element.tag == "nav" or _embedded_post(str(element.get("class") or "")):
            return True
        if element.tag in TEASER_TAGS and levels < TEASER_LEVELS and teaser_list_item(element):
            return True
        levels += 1
        tagged, header = tagged or element.tag == "footer", header or is_site_header(element)
        hero = hero or _storys_hero(element)
        element = element.getparent()
    chrome, tagged = chrome and not hero, tagged or (header and not hero)  # twenty-fourth pass
    no_article = article >= len(headline_ancestors)
    common = headline_ancestors[element] if element is not None else len(headline_ancestors)
    in_chrome = chrome and common >= (CHROME_DEPTH if no_article else article + 1)  # review of the fifteenth pass
    # sixteenth pass: a bar in the page's `<main>` is the story's, unless that `<main>` holds the site's header too
    in_chrome = in_chrome and not in_main(element, headline_ancestors)
    # seventeenth pass: without `<article>`, a bar sharing with the headline a wrapper without the site header
    in_chrome = in_chrome and not (no_article and story_wrapper(element, headline_ancestors))
    return in_chrome or (tagged and (element is None or no_article or common > article))


def _part_of_headlines_block(element: Any, headline_ancestors: dict[Any, int], article: int) -> bool:
    """Whether an element's names say other stories only in the name of a block holding the headline, of which they
    name a part (BEM: "ArticleHeaderComment_publishDate" in `<article class="ArticleHeaderComment">`, an opinion
    column's header; twenty-fifth pass): the part's own name says what it is ("post__comments" in `<article
    class="post">`: readers' comments), and a part that links elsewhere is a teaser's ("ArticleComment_teaser").
    Only blocks in the headline's `<article>` (without one, `CHROME_DEPTH` levels up), not a `<body>`'s layout."""
    if element.find(".//a[@href]") is not None:
        return False
    reach = article if article < len(headline_ancestors) else CHROME_DEPTH
    blocks = {word for ancestor, distance in headline_ancestors.items() if distance <= reach
              for word in str(ancestor.get("class") or "").split()}
    words = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    parts = [word[part.end():] if (part := _BEM_PART.match(word)) and part.group(1) in blocks else word
             for word in words]
    return parts != words and not _names_say(" ".join(parts))[0]


_BEM_PART = re.compile(r"^([^_\s]+?)(?:__|_|--)")  # a BEM part's block: "__" (an element), "_" (CSS modules), "--"


_STORY_HERO = re.compile(r"(?:entry|post|article|story)[-_]?(?:title|meta|header|head|hero|byline|info)",
                         re.IGNORECASE)


def _storys_hero(element: Any) -> bool:
    """Whether an element is the story's title or byline block in a theme's hero (twenty-fourth pass: WordPress's
    Hestia and its kind put "h1.entry-title" with the author and the `<time>` in the site's header, above a top
    bar's menu, and repeat the title in the `<article>`): its class names a story's title, header or meta, and it is
    an `<h1>`, holds one, or sits beside one. A ticker's other story in the top bar has an `<h2>` or `<h3>`, and a
    site's logo or today's date names no story."""
    if not _STORY_HERO.search(str(element.get("class") or "")):
        return False
    parent = element.getparent()
    heading = element if element.tag == "h1" else element.find(".//h1")
    heading = heading if heading is not None or parent is None else parent.find("h1")
    return heading is not None and _names_the_page(heading)


MIN_HEADLINE_F1 = 0.5
"""An `<h1>` is the page's headline when it reads as one of the page's titles (`page_titles`) this much or more,
the closest of them (`bylinetexts.page_headline`: so a logo in an `<h1>` is not); so is a hero's `<h1>` in the
site header (review of the twenty-fourth pass: a featured other story's `<h1>`, or the site's name, beside a block
named "entry-meta" in the header is not the story's)."""


@per_page
def page_titles(tree: Any) -> list[str]:
    """The page's `<title>` and its `og:title` and `twitter:title` metas, those not empty."""
    titles = [tree.findtext(".//title") or ""]
    titles += [str(meta.get("content") or "") for meta in tree.iterfind(".//meta")
               if (meta.get("property") or meta.get("name") or "").lower() in ("og:title", "twitter:title")]
    return [title for title in titles if title]


def _names_the_page(heading: Any) -> bool:
    # the page's root element, as the rules pass it: one memo entry a page, where each `getroottree()` is a new
    # wrapper and a new key (244 more computations of the titles a pass over the bench's 401 pages, perf52)
    titles = page_titles(heading.getroottree().getroot())
    # the whole heading, or its opening text alone: a hero's `<h1>` may hold the byline after the title
    opening = heading.text if (heading.text or "").strip() or not len(heading) else "".join(heading[0].itertext())
    texts = [" ".join(text.split()) for text in ("".join(heading.itertext()), opening or "")]
    return any(token_f1(text, title) >= MIN_HEADLINE_F1 for text in texts if text for title in titles)


_STORY_PARAGRAPHS = ("count(descendant::p[not(descendant::a)][string-length(normalize-space()) >= "
                     "$chars][substring(normalize-space(), string-length(normalize-space())) = '.']) >= $paragraphs")
STORY_PARAGRAPH_CHARS = 200
"""A paragraph this long, without a link and ending as a sentence, is the story's prose, not a teaser's."""


def _holds_story(element: Any, paragraphs: int = 1) -> bool:
    """Whether a block named as a list of other stories holds the story's prose (`paragraphs` paragraphs of
    `STORY_PARAGRAPH_CHARS` without a link): it is the story's own wrapper, whatever its name says
    ("section-latest-news", "latest-news-body" on the `<div>` under the headline: eighteenth pass). A list
    holds links and teasers, not the story."""
    return bool(element.xpath(_STORY_PARAGRAPHS, chars=STORY_PARAGRAPH_CHARS, paragraphs=paragraphs))


NOTICE_STORY_PARAGRAPHS = 3
"""A block named as a cookie or consent notice that holds this many of the story's paragraphs is the story's wrapper
(review of the twenty-third pass: a script's state or a slug in its class, "js-consent-loaded", "gdpr-compliant",
"node--consent-law"); a notice writes a sentence or two."""


@lru_cache(maxsize=4096)  # pages repeat their class names, and each date's ancestors are read several times
def _names_say(names: str) -> tuple[bool, bool, bool]:
    """Whether an element's class and id say other stories (`_OTHER_STORIES`), whether they say the
    site's top bar or masthead in a word naming no story, and whether they say a cookie or consent notice."""
    words = names.split()
    chrome = any(SITE_CHROME.search(word) and not STORY_WORD.search(word) for word in words)
    notice = any(_NOTICE.search(word) for word in words if not _TAXONOMY.match(word))
    return any(_OTHER_STORIES.search(word) for word in words if not _TAXONOMY.match(word)), chrome, notice


_TAXONOMY = re.compile(r"(?:category|categoria|tag|"
                       # seventeenth pass: the section's name in CMSs of other languages ("seccion-ultimas-noticias",
                       # "editoria-mais-lidas", "rubrique-a-lire-aussi", "kanal-berita-terpopuler", "ressort-...")
                       r"secci[oó]n|se[cç][aã]o|editoria|rubri(?:que|k|ca)|sezione|kanal|canal|kategori[ea]?|"
                       r"categorie|ressort)[-_]", re.IGNORECASE)
"""A class naming the story's own category or tag (WordPress's `post_class`: "category-ultimas-noticias",
"tag-latest-news" on the story's `<article>`; Ghost's "tag-…"): no list of other stories (review of the
sixteenth pass: a theme that prints the headline above that element lost its byline's date); and
(seventeenth pass) the section's own name in other languages' CMSs ("seccion-", "editoria-", "rubrique-",
"sezione-", "kanal-", "ressort-"). Not "section-", which names blocks ("section-related")."""


def common_ancestor(element: Any, headline_ancestors: dict[Any, int]) -> int:
    """How far above the headline its nearest common ancestor with the element is (past them all
    when there is none)."""
    while element is not None and element not in headline_ancestors:
        element = element.getparent()
    return headline_ancestors[element] if element is not None else len(headline_ancestors)


def headline_ancestors(headline: Any) -> tuple[dict[Any, int], int]:
    """The headline's ancestors with their distance, and the distance of its `<article>` (or past them all)."""
    above = list(headline.iterancestors())
    article = next((index for index, element in enumerate(above) if element.tag == "article"), len(above))
    return {element: index for index, element in enumerate(above)}, article
