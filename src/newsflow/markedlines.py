"""Lines of the page that are not the story, known by the words that open them or that they hold.

`drop_marked_lines` is one of the corrections `newsflow.refine` lists (split from there, tidy21):
"Read more: …", "Czytaj też: …", "PUEDES VER: …" and other lines that a boilerplate marker opens
(links to other stories, newsletter calls, calls to the reader such as "Got a story?"), and the
linked headline after a bare marker; the page's notices to its reader (consent, paywall, sign-up,
an embed held back, the outlet's app), a video's teaser card, and WordPress's sharing buttons run
into a line, and lines spelt with look-alike letters to slip past filters (an advertiser's box).
Pure functions over normalised text.
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.text import PARAGRAPH_SEPARATOR, literal_alternation, normalized_line, word_count

MARKED_LINE_MAX_WORDS = 30
BARE_MARKER_MAX_WORDS = 5
LINKED_HEADLINE_MAX_WORDS = 25
"""A marker line of at most BARE_MARKER_MAX_WORDS words takes the next line with it when that is
a headline (at most LINKED_HEADLINE_MAX_WORDS words)."""
BOILERPLATE_MARKERS = (
    "read more", "read also", "also read", "see also", "related:", "related articles", "more on this",
    "sign up for", "subscribe to", "follow us", "newsletter",
    "lesen sie auch", "lesen sie mehr", "mehr zum thema", "weitere informationen", "siehe auch", "auch interessant",
    "das könnte sie auch interessieren",
    "le puede interesar", "puedes ver", "lee también", "lea también", "ver también", "te puede interesar",
    "también puede leer", "más sobre",
    "leia também", "veja também", "leia mais", "saiba mais",
    "lire aussi", "à lire aussi", "voir aussi", "sur le même sujet",
    "czytaj też", "czytaj także", "czytaj więcej", "zobacz też", "zobacz także",
    "leggi anche", "potrebbe interessarti",
    # calls to the reader at the end of a story: send a tip, join the comments, read more stories
    "got a story", "do you have a story", "get in touch with", "join our commenting", "join the conversation",
    "please read our comment", "we want to hear what you think", "for more stories like this",
    "enjoying our latest content",
    # links out of the story: "Click here to read the affidavit", "Lesen Sie hier: …"
    "click here", "lesen sie hier",
    # ninth pass: the same links and calls in more of the languages news is written in (issue 15)
    "related stories", "related coverage", "recommended reading", "more coverage",
    "lea más", "vea también", "mira también", "te recomendamos", "no te pierdas", "ver más",
    "das könnte dich auch interessieren", "das thema könnte dich auch interessieren", "schon gelesen",
    "à lire également", "lire également", "à voir aussi", "ti potrebbe interessare", "guarda anche", "veja mais",
    "lees ook", "lees meer", "bekijk ook", "les også", "läs också", "læs også", "ilginizi çekebilir",
)  # fmt: skip
APPEAL_OPENERS = (
    "gefällt dir unser", "gefällt ihnen unser", "gefällt dir dieser beitrag", "gefällt dir dieser artikel",
    "gefällt ihnen dieser artikel", "hat dir dieser artikel gefallen", "hat ihnen dieser artikel gefallen",
    "hat dir der artikel gefallen", "hat ihnen der artikel gefallen", "unterstütze unseren journalismus",
    "unterstützen sie unseren journalismus", "support our journalism", "soutenez notre journalisme",
    "apoya nuestro periodismo", "sostieni il nostro giornalismo", "steun onze journalistiek",
)  # fmt: skip
"""The appeals among NOTICE_PHRASES that name the article or the site's journalism itself: one that opens
a line makes it a notice up to APPEAL_LINE_MAX_WORDS words (twenty-second pass: ebike-mtb's appeal is
55 words). Not "unterstützen Sie unsere Arbeit", which a story quotes at a paragraph's start ("…, bat der
Vorsitzende des Vereins"); a story's paragraph that quotes an appeal in its middle stays too, and so does
one that opens with an appeal in quotation marks or followed by a comma (review of the pass)."""
BROWSER_NOTICES = (
    "you are using an outdated browser", "upgrade your browser to improve your experience",
    "you are using a browser version with limited support for css", "your browser is out of date",
    "sie verwenden einen veralteten browser", "sie verwenden einen browser, der", "ihr browser ist veraltet",
    "votre navigateur est obsolète",
    "votre navigateur n'est plus à jour", "estás usando un navegador obsoleto", "está utilizando un navegador obsoleto",
    "stai utilizzando un browser obsoleto", "u gebruikt een verouderde browser",
)  # fmt: skip
"""The site's banner for a reader whose browser it no longer supports (the HTML5 Boilerplate's "You are using
an outdated browser. Please upgrade your browser to improve your experience", Nature's 52-word "… a browser
version with limited support for CSS …"), hidden from other browsers and read by trafilatura (twenty-third
pass: once its source lines are one line, the banner is a line of its own). A notice up to
APPEAL_LINE_MAX_WORDS words where the phrase opens the line or a sentence of it (after a one-word label,
"Hinweis:", or a "Please"): the banner speaks to the reader's own browser. Not where a story quotes it ('a
fake pop-up that reads "Your browser is out of date"') or supposes it ("If your browser is out of date, …",
"Si votre navigateur n'est plus à jour, …"): review of the pass."""
NOTICE_PHRASES = (
    # an embed held back until the reader consents
    "externen inhalt", "externer inhalt", "externe inhalte", "ein klick für den datenschutz",
    "ich bin damit einverstanden, dass", "empfohlener redaktioneller inhalt", "this content is not available",
    "to view this content", "manage your consent", "manage consent", "enable javascript", "javascript is disabled",
    # the paywall, the account and the sign-up box
    "il vous reste", "la suite est réservée aux abonnés", "réservé aux abonnés", "already a subscriber",
    "already have an account", "to continue reading", "subscribe to continue", "or sign in now",
    "tu suscripción se está usando", "exclusivo para suscriptores", "newsletter abonnieren", "jetzt abonnieren",
    "never miss our top stories", "for the latest news updates",
    "会員限定", "有料会員", "有料記事", "無料で会員登録", "無料会員登録",  # members only, paid, free sign-up (ja)
    # the state of the story and how the page earns from its links
    "this is a breaking", "this is a developing story", "this story is developing",
    "affiliate link", "affiliate-link", "we may earn a commission",
    # the box for reporting a mistake in the story
    "melden sie den fehler", "report an error", "spotted an error", "spotted a mistake", "signaler une erreur",
    # ninth pass: the subscription and channel prompts and the reprint notice under a story (issue 15)
    "subscribe now", "subscribe today", "download our app", "download our free app", "our youtube channel",
    "nuestro canal de youtube", "unseren youtube-kanal", "suscríbete", "abonnez-vous",
    "all rights reserved", "copyrighted property", "may not be reproduced", "may not be republished",
    "may not be published, broadcast", "without prior written permission", "without written permission",
    # ninth pass: a caption's or a player's label, an agency's credits and the tip and comment calls
    "image caption", "media caption", "image source,", "listen to this article", "/getty images", "via getty images",
    "(ap photo", "ap photo/", "got a news tip", "have a news tip", "have your say",
    "enthält werbung", "this post is sponsored", "this post contains affiliate", "story continues below",
    "article continues below", "sign up for our", "subscribe to our", "abonnieren sie jetzt", "abonnieren sie unseren",
    "abonniere meinen", "abonniere unseren", "inscrivez-vous à notre", "iscriviti alla nostra",
    # twenty-first pass: the site's appeal for the reader's support, and its partner links (issue 15)
    *APPEAL_OPENERS, "brauchen wir deine unterstützung", "unterstütze unser magazin", "unterstütze unsere arbeit",
    "unterstützen sie unsere arbeit", "partner-links", "links zu anbietern enthalten",
    # twenty-eighth pass: the Dutch sign-up box, as the other languages' above
    "schrijf je in voor onze", "meld je aan voor onze", "abonneer je op onze",
)  # fmt: skip
CONTINUE_LINKS = (
    "continue reading", "keep reading", "weiterlesen", "lire la suite", "seguir leyendo", "sigue leyendo",
    "continua a leggere", "continua la lettura", "lees verder", "verder lezen",
)  # fmt: skip
"""A link to the rest of the story, alone on its line (twenty-eighth pass): no story says only that. Whole lines
only, with an arrow or dots at most: "Weiterlesen lohnt sich, sagt …" is a sentence."""
_LINK_ENDS = "\\s.\u2026:\u00bb\u203a>\u2192)\\]"  # spaces, dots, an ellipsis, a colon, quotes and arrows
_CONTINUE_LINK = re.compile(rf"[\W_]*(?:{literal_alternation(CONTINUE_LINKS)})[{_LINK_ENDS}]*", re.IGNORECASE)
NOTICE_LINE_MAX_WORDS = 50
"""A line of at most this many words that has one of NOTICE_PHRASES anywhere is a notice of the page
to its reader, not the story: "Il vous reste 57% de cet article à lire", "Ich bin damit
einverstanden, dass mir der externe Inhalt angezeigt wird", "Sign up (it's quick and free) or sign in now"."""
APPEAL_LINE_MAX_WORDS = 100
_NOTICE = re.compile(literal_alternation(NOTICE_PHRASES), re.IGNORECASE)
_QUOTATION_MARKS = '"„“”«»‚‘‹›'  # noqa: RUF001 (not the apostrophes: "it's" in a sentence)
_BROWSER_NOTICE = re.compile(
    rf"(?:^[^\w{_QUOTATION_MARKS}]*(?:[^\W\d][\w-]*\s*:\s+)?|[.!?]\s+)(?:please\s+|bitte\s+)?"
    rf"(?:{literal_alternation(BROWSER_NOTICES)})",
    re.IGNORECASE,
)
_APPEAL_OPENER = re.compile(
    rf"^[^\w'\u2019{_QUOTATION_MARKS}]*(?:{literal_alternation(APPEAL_OPENERS)})[^.?!:,{_QUOTATION_MARKS}]*[.?!:]",
    re.IGNORECASE,
)
"""An opener in quotation marks, or whose sentence names who says it ("Support our journalism, the paper
asks at the end of every story, …"), is a story quoting the appeal (review of the twenty-second pass)."""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIXED_SCRIPT = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LATIN = "A-Za-z\u00c0-\u024f"
_CYRILLIC_INSIDE_LATIN = re.compile(rf"[{_LATIN}][\u0400-\u04ff]+[{_LATIN}]")
_CYRILLIC_WITH_LATIN_TWIN = frozenset("АВЕКМНОРСТХУЁЇІЅЈҮҺаеорсухёїіѕјүһ")  # the Cyrillic look-alikes of Latin letters
_LATIN_WITHOUT_TWIN = re.compile(r"[A-Za-z\u00c0-\u024f](?<![aceijopsxykhbABCEHIJKMOPSTXY])")
LOOKALIKE_MIN_WORDS = 2
LOOKALIKE_MIN_SHARE = 0.25
"""A line is spelt with look-alike letters when at least LOOKALIKE_MIN_WORDS of its words, and at least
LOOKALIKE_MIN_SHARE of them, are Latin words with Cyrillic letters that look the same typed inside them
("Your content is delivered", its o, e, i and s typed in Cyrillic): text made to slip past ad filters, a
box of the page, never a story's (twenty-second pass). Such a word has a Cyrillic letter between two Latin
ones, only Cyrillic letters with a Latin twin (the Cyrillic a, e, o, p, c, i, s …), and a Latin letter with
none (d, f, g, n, r, t …), so it can only be Latin. Review of the pass: Cyrillic words typed with a Latin
letter or two stay (Ukrainian, Belarusian and Kazakh sites type their i as the Latin one; a Russian name
with a Latin o; CO2 or NATO typed half in each script), and so do Latin names with a Cyrillic case ending
("Apple" and a Cyrillic a, no hyphen). A hyphen or a dot splits a run (a
Russian "Wi-Fi-роутер"), words of both scripts side by side are a story's (a Cyrillic sentence naming
Apple), and one such word in a line stays."""
_NOTICE_PATTERNS = re.compile(
    # an embed's placeholder until the reader loads it: "Klicken Sie auf den unteren Button, um den Inhalt
    # von www.komoot.de zu laden.", "Click the button below to load the content from Twitter." The German
    # one must name the click or the button: "um den Inhalt des Lagers … zu laden" is a story's lorry.
    r"\bklicken\b[^!?]{0,60}\b(?:um|to) (?:den|die) inhalte?\b[^!?]{0,60}\bzu laden\b|"
    r"\bklicken sie auf den (?:unteren |folgenden )?button\b|\bclick (?:on )?the button below\b|"
    r"\bby loading the (?:video|content)\b|\bmit dem laden des (?:videos|inhalts)\b|"
    # the outlet's app: "For the latest stories … download the Nationnews apps for iOS and Android."
    r"\bdownload (?:the|our)\b[^.!?]{0,40}\bapps?\b[^.!?]{0,40}\b(?:ios|android|iphone|app store|google play)\b",
    re.IGNORECASE,
)
"""Notices that name what they ask in words of their own (twelfth pass): an embed held back until
the reader loads it, and the outlet's app to download for a phone. Patterns, not phrases: the
outlet's or the embed's name sits in the middle. A line counts only when the pattern opens it (an
imperative) or the line is short (NOTICE_PATTERN_MAX_WORDS): a story's long line may report that
"Americans can once again download the TikTok app from Apple's App Store …" (review of the pass)."""
NOTICE_PATTERN_MAX_WORDS = 25
_SHARING_RUN = re.compile(
    # no leading \s*: retried at every start, it made a line of spaces quadratic (review of the pass)
    r"(?<!\S)(?:(?:bewerten|rate this)\s*:\s*)?\b(?:share this|teilen mit|teilen sie dies mit|partager|"
    r"compartir esto|condividi)\b\s*:.{0,150}?\b(?:wird geladen|lade|loading|chargement|cargando|caricamento)\b"
    r"\s*(?:…|\.{3})[ \t]*",
    re.IGNORECASE,
)
"""WordPress's sharing and like buttons run into a story line ("… 2%… Bewerten: Teilen Sie dies mit:
Twitter Facebook … Gefällt mir: Liken Lade … Veröffentlicht von …"): where trafilatura falls back to
the page's flat text, its lines are not lines of their own and no label drops them (twelfth pass).
A run is cut only when it names SHARING_MIN_BUTTONS buttons (_SHARING_BUTTON): a quotation may say
"tout partager : les données … en chargement…" (review of the pass)."""
_SHARING_BUTTON = re.compile(
    r"\b(?:Twitter|X|Facebook|E-?Mail|WhatsApp|LinkedIn|Pinterest|Reddit|Tumblr|Telegram|Drucken|Print|Imprimer|"
    r"Like|Liken|Gefällt mir|J[\u2019']aime|Me gusta|Mi piace)\b"
)
SHARING_MIN_BUTTONS = 2
_VIDEO_CARD = re.compile(r"\|\s*\d{1,2}:\d{2}(?::\d{2})?\s*min\W*$", re.IGNORECASE)
"""A video's teaser ends with its length after a bar: "… Sanktionen beschlossen. 18.04.2024 | 0:21 min"
(a story's "in 2:05 min." has no bar)."""
_MARKED = re.compile(r"^\W*(?:" + "|".join(re.escape(marker) for marker in BOILERPLATE_MARKERS) + r")\b", re.IGNORECASE)
INVESTMENT_DISCLAIMERS = (
    "keine aufforderung zum kauf oder verkauf", "stellt keine anlageberatung dar", "stellen keine anlageberatung dar",
    "does not constitute investment advice", "do not constitute investment advice",
    "does not constitute financial advice", "do not constitute financial advice",
    "should not be construed as investment advice", "is not intended as investment advice",
    "ne constitue pas un conseil en investissement", "ne constituent pas un conseil en investissement",
    "no constituye una recomendación de inversión", "no constituyen una recomendación de inversión",
    "non costituisce una raccomandazione di investimento", "non costituisce consulenza finanziaria",
    "vormt geen beleggingsadvies", "is geen beleggingsadvies",
)  # fmt: skip
"""A finance page's notice under its stories that they advise no one to buy or sell (thirtieth pass: a German
paper's 62-words "Bitte beachten: … keine Aufforderung zum Kauf oder Verkauf von Wertpapieren …"): a notice up to
APPEAL_LINE_MAX_WORDS words, with a bare label over it ("Disclaimer:", two words at most, ending in a colon).
The page's own formula, not a loss or advice a story reports ("did constitute investment advice")."""
_DISCLAIMER = re.compile(literal_alternation(INVESTMENT_DISCLAIMERS), re.IGNORECASE)
DISCLAIMER_STORY_LINE_WORDS = 15
_BARE_NOTICE_LABEL = re.compile(r"[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?\s*:")
LINK_HINTS = (
    "opens in a new window", "opens in new window", "opens in a new tab", "opens in new tab", "link is external",
    "external link", "öffnet im neuen fenster", "öffnet in einem neuen fenster", "öffnet in neuem tab",
    "öffnet in einem neuen tab", "externer link", "s'ouvre dans une nouvelle fenêtre", "nouvelle fenêtre",
    "ouvre un nouvel onglet", "se abre en una nueva ventana", "abre en una nueva ventana", "abre em uma nova janela",
    "si apre in una nuova finestra", "opent in een nieuw venster", "öppnas i nytt fönster", "åpnes i et nytt vindu",
)  # fmt: skip
"""A link's hint for screen readers (a visually hidden span), which trafilatura reads into the text after the
link's words: "Investoren(öffnet im neuen Fenster) , zu denen …" (thirtieth pass, golem). Only in brackets and
whole: the story's own words about windows stay. The spaces before a hint are matched from their run's start only
(linear on a long run of spaces)."""
_LINK_HINT = re.compile(rf"(?<![ \t])[ \t]*[(\[][ \t]*(?:{literal_alternation(LINK_HINTS)})[ \t]*[)\]]", re.IGNORECASE)
_ARROW_TEASER = re.compile(r"\s*>>>?\s*[^\W_]")
"""A link to another page that the site marks with two ASCII ">" ahead of its words, as a marker of its own (">> Hier
finden Sie alle Termine im Überblick", ">> Sie suchen einen Kredit? Unser Vergleich …": thirtieth pass). Not the
angle quotes: German opens a quotation with "»". Only a block that holds a link: a chat or a mail quoted with ">>"
is the story's (review)."""


def drop_arrow_teasers(text: str, tree: Any) -> str:
    """The text without the lines of up to MARKED_LINE_MAX_WORDS words that are a page's block opening with ">>"
    (_ARROW_TEASER) and holding a link."""
    if ">>" not in text or tree is None:
        return text
    teasers = _arrow_teasers(tree)
    lines = text.split(PARAGRAPH_SEPARATOR)
    kept = [line for line in lines if line not in teasers or word_count(line) > MARKED_LINE_MAX_WORDS]
    return PARAGRAPH_SEPARATOR.join(kept) if len(kept) < len(lines) else text


def _arrow_teasers(tree: Any) -> set[str]:
    """The texts of the blocks whose own text opens with ">>" before a link (or whose first link does); each
    block read once."""
    found: set[str] = set()
    seen: set[Any] = set()
    for anchor in tree.iterfind(".//a"):
        block = anchor.getparent()
        if block is None or block in seen:
            continue
        seen.add(block)
        lead = (block.text or "").strip() or (anchor.text or "" if block[0] is anchor else "")
        if lead.startswith(">>"):
            line = normalized_line(" ".join(block.itertext()))
            if _ARROW_TEASER.match(line):
                found.add(line)
    return found


def drop_link_hints(text: str, tree: Any) -> str:
    """The text without the links' bracketed screen-reader hints (LINK_HINTS), and without a line that was one
    alone (one paragraph a line, none empty). Only on a page whose links carry such a hint: a story that quotes a
    mail's "Click on the link (opens in new window)" keeps its words where no link says so (review)."""
    if tree is None or not _may_hold(text, _LINK_HINT_WORDS, _LINK_HINT) or not _links_carry_hints(tree):
        return text
    lines = (_LINK_HINT.sub("", line).strip() for line in text.split(PARAGRAPH_SEPARATOR))
    return PARAGRAPH_SEPARATOR.join(line for line in lines if line)


_DISCLAIMER_WORDS = ("anlageberatung", "aufforderung", "advice", "conseil", "recomendaci", "raccomandazione",
                     "consulenza", "beleggingsadvies")
"""A word of every INVESTMENT_DISCLAIMERS formula, and of every LINK_HINTS hint below: looked for in the lowered
text before its pattern, which costs far more (a long alternation, any case, over the whole text of every page)."""
_LINK_HINT_WORDS = ("window", "tab", "external", "fenster", "externer", "fenêtre", "onglet", "ventana", "janela",
                    "finestra", "venster", "fönster", "vindu")


def _may_hold(text: str, words: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words) and pattern.search(text) is not None


def _links_carry_hints(tree: Any) -> bool:
    return any(_LINK_HINT.search("".join(anchor.itertext())) for anchor in tree.iterfind(".//a"))


def drop_marked_lines(text: str) -> str:
    """The text without lines that a boilerplate marker opens (see BOILERPLATE_MARKERS), and
    without the page's notices to the reader (NOTICE_PHRASES: consent, paywall, sign-up)."""
    kept: list[str] = []
    drop_headline = False
    cyrillic = _CYRILLIC.search(text) is not None  # one scan of the text: most have no Cyrillic letter
    lines = text.split(PARAGRAPH_SEPARATOR)
    notices_from = _disclaimers_from(lines) if _may_hold(text, _DISCLAIMER_WORDS, _DISCLAIMER) else len(lines)
    for index, line in enumerate(lines):
        if ":" in line and _SHARING_RUN.search(line):
            line = _SHARING_RUN.sub(_cut_sharing_run, line).strip()
            if not line:
                continue
        words = word_count(line)
        if words <= MARKED_LINE_MAX_WORDS and _MARKED.match(line):
            drop_headline = words <= BARE_MARKER_MAX_WORDS
            continue
        if (words <= NOTICE_LINE_MAX_WORDS and _is_notice(line)) or (words <= 3 and _CONTINUE_LINK.fullmatch(line)):
            continue
        if index >= notices_from and words <= APPEAL_LINE_MAX_WORDS and _DISCLAIMER.search(line):
            if kept and _BARE_NOTICE_LABEL.fullmatch(kept[-1]):
                kept.pop()
            continue
        if NOTICE_LINE_MAX_WORDS < words <= APPEAL_LINE_MAX_WORDS and _long_notice(line):
            continue  # (a shorter line with an opener is a notice already: the openers are notice phrases)
        if cyrillic and _spelt_with_lookalikes(line):
            continue
        if not (drop_headline and words <= LINKED_HEADLINE_MAX_WORDS):
            kept.append(line)
        drop_headline = False
    return PARAGRAPH_SEPARATOR.join(kept)


def _disclaimers_from(lines: list[str]) -> int:
    """The index after the text's last story line (DISCLAIMER_STORY_LINE_WORDS words or more, no disclaimer): a
    page's disclaimer stands under its story; a story line above another reports one (review: "Influencers add
    that their videos do not constitute investment advice, but the regulator disagrees")."""
    for index in range(len(lines) - 1, -1, -1):
        if word_count(lines[index]) >= DISCLAIMER_STORY_LINE_WORDS and not _DISCLAIMER.search(lines[index]):
            return index + 1
    return 0


def _long_notice(line: str) -> bool:
    """Whether a line of NOTICE_LINE_MAX_WORDS to APPEAL_LINE_MAX_WORDS words is a notice still: an appeal
    that opens it, or the banner for an unsupported browser."""
    return bool(_APPEAL_OPENER.match(line) or _BROWSER_NOTICE.search(line))


def _is_notice(line: str) -> bool:
    return bool(
        _NOTICE.search(line) or _is_patterned_notice(line) or _VIDEO_CARD.search(line) or _BROWSER_NOTICE.search(line)
    )


def _spelt_with_lookalikes(line: str) -> bool:
    if _MIXED_SCRIPT.search(line) is None:  # almost every line stops here
        return False
    runs = _LETTER_RUN.findall(line)
    disguised = sum(_is_disguised_latin(run) for run in runs if _MIXED_SCRIPT.search(run))
    return disguised >= LOOKALIKE_MIN_WORDS and disguised >= LOOKALIKE_MIN_SHARE * len(runs)


def _is_disguised_latin(word: str) -> bool:
    """A Latin word with Cyrillic look-alike letters typed into it (LOOKALIKE_MIN_SHARE's comment)."""
    return (
        _CYRILLIC_INSIDE_LATIN.search(word) is not None
        and set(_CYRILLIC.findall(word)) <= _CYRILLIC_WITH_LATIN_TWIN
        and _LATIN_WITHOUT_TWIN.search(word) is not None
    )


def _is_patterned_notice(line: str) -> bool:
    found = _NOTICE_PATTERNS.search(line)
    return found is not None and (found.start() == 0 or word_count(line) <= NOTICE_PATTERN_MAX_WORDS)


def _cut_sharing_run(run: re.Match[str]) -> str:
    buttons = {button.lower() for button in _SHARING_BUTTON.findall(run.group())}
    return "" if len(buttons) >= SHARING_MIN_BUTTONS else run.group()
