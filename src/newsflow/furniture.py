"""Page furniture inside the article container: short lines that are about the article, not of it.

trafilatura keeps the lines that sit inside the container it chose; news templates put there the
byline, the dateline, photo credits, "Advertisement" labels and a reading time. Readers and
the references of ../shared/corpora (fundus's parsed bodies, trafilatura's `without` snippets)
leave them out. Each class is recognised from the line alone, or from the page's own author
field, never from a site's name, and only on short lines, so a sentence of the story that
happens to name its author or a year is kept:

- `is_dateline`: a date or time and little else ("Stand: 22.04.2024, 06:00 Uhr",
  "17:41 JST, October 13, 2024", "30. Januar 2024", "1:39 PM ET"), under no label or one that names
  the page's stamp: "Einsendeschluss: 12.3.2026" is a fact of the story (STAMP_LABELS);
- `is_credit`: a caption credit or source line ("Foto: Dmitrij Azarov", "Image: eThekwini
  Municipality / Facebook", "(Quelle: APA/sda/dpa)", "Copyright @ 2026 … All Rights Reserved");
- `is_byline`: the author's name again, with at most a "By"/"Von"/"Por" in front and a date
  ("Von Nina Magoley", "André Schmidt", "2/26/2015 7:11 AM PST BY TMZ STAFF");
- `is_label`: a label with no content ("Advertisement", "Anzeige", "Lesedauer: 4 Minuten",
  "5 min read").

Lines that are list items or table rows ("- …", "| … |") are never dropped: in a list a short
line with a year is content ("- 2019: 45 %").
"""

from __future__ import annotations

import re

from newsflow.text import PARAGRAPH_SEPARATOR, word_tokens

FURNITURE_MAX_WORDS = 10
"""Only lines of at most this many words are looked at: furniture is short, story lines are not."""
DATELINE_MIN_NUMERIC = 0.5
DATELINE_MAX_WORDS = 2
"""A dateline is a line of which at least half the words, and at least two, are numbers (day, month, year,
time), with at most DATELINE_MAX_WORDS distinct words of four letters or more ("Stand", "October",
"Güncelleme"; "Uhr", "PM", "JST" are shorter). A fact-box line such as "David Moyes (2013-2014): 295
dager" names more than that and is kept; so is a subhead such as "Kehrtwende 2024?"."""
CREDIT_MAX_WORDS = 8
BY_WORDS = frozenset({
    "by", "von", "por", "par", "door", "av", "di", "da", "de", "od", "af", "fra", "från", "autor", "autorin", "author",
    "text", "texto", "und", "and", "y", "et", "e", "i", "och", "og", "en", "staff", "reporter", "redakcja",
})  # fmt: skip
"""Words a byline may carry besides the author's name (and numbers: its date)."""
CREDIT_LABELS = (
    "foto", "fotos", "photo", "photos", "photograph", "image", "images", "picture", "bild", "bilder", "imagen",
    "fotografía", "fotografia", "фото", "źródło", "zdjęcie", "quelle", "quellen", "source", "fuente", "fonte",
    "crédit", "crédito", "credit", "credits", "grafik", "illustration", "kuva", "kilde", "källa",
)  # fmt: skip
LABELS = frozenset({
    "advertisement", "advertising", "anzeige", "werbung", "publicidad", "publicité", "pubblicità", "publicidade",
    "reklama", "annons", "annonse", "annonce", "mainos", "reklame", "sponsored", "sponsored content",
    # session 31 (seed 52: a Dutch page's ad label stored): the ad's label in more of the languages read
    "advertentie", "advertenties", "reclame", "reklam", "реклама", "inzerce", "hirdetés", "publicitate", "διαφήμιση",
    "story continues below", "article continues below", "continue reading below", "story continues below advertisement",
    # the page's controls: the comments' and sharing buttons, the "skip to main content" link
    "comments", "kommentare", "comentarios", "commentaires", "commenti", "komentarze", "share", "share this article",
    "reacties", "kommentarer", "comentários",  # forty-sixth pass (reviewer: a Dutch "Reacties" block was stored)
    "teilen", "hauptinhalt", "zum inhalt", "skip to main content", "skip to content",
    # ninth pass: blog and news templates' sharing, rating and image controls (WordPress: "Teilen mit:",
    # "Gefällt mir:", "Wird geladen …")
    "share this", "share on", "share this story", "like this", "teilen mit", "gefällt mir", "wird geladen", "loading",
    "bewerten", "artikel teilen", "diesen artikel teilen", "compartir", "compartir en", "partager", "partager sur",
    "condividi", "compartilhe", "bild anzeigen", "bild vergrößern", "show image", "enlarge image", "print",
    "drucken", "imprimir", "imprimer",
})  # fmt: skip
CJK_LABELS = ("スポンサーリンク", "スポンサードリンク", "広告", "广告", "廣告")  # sponsored link, an ad (ja, zh)
"""Ad labels in Chinese and Japanese (twenty-ninth pass): compared as their word tokens, one a character."""
_CJK_LABELS = frozenset(" ".join(word_tokens(label)) for label in CJK_LABELS)
READING_TIME = re.compile(
    r"^\W*(?:lesedauer|reading time|lesezeit|czas czytania|ten tekst przeczytasz|tiempo de lectura|temps de lecture|"
    r"leestijd|lukuaika|tempo de leitura)\b|^\W*\d+\s*(?:-\s*)?(?:min|mins|minute|minutes)\.?\s+read\W*$",
    re.IGNORECASE,
)
TAXONOMY = re.compile(
    r"^\W*(?:tags|topics|filed under|categories|kategorien|schlagworte|schlagwörter|etiquetas|catégories|mots-clés|"
    r"argomenti|tagi)\s*:",
    re.IGNORECASE,
)
"""The story's place in the site's taxonomy ("Topics: Ferries, Harbour", "Filed under: Politics"): a list of
links to section pages, not the story (ninth pass). Not "Category:" alone, which also names an award's
category in a list of prizes."""
_CREDIT = re.compile(r"^\W*(?:" + "|".join(CREDIT_LABELS) + r")\s*[:/|©]", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
_DATE_OR_TIME = re.compile(r"\b(?:19|20)\d\d(?:\b|年)|\b\d{1,2}[:.]\d{2}\b|\d{1,2}時\d{1,2}分")
_RACE_TIME = re.compile(r"\d[:.]\d{2},\d\b|\d:\d{2}\.\d\b")
"""A time in tenths ("35.58,7", "+1.03,4", "1:03.4"): a line of a race's results ("1. Dorothea Wierer (ITA)
35.58,7 (2)"), which has as many numbers as a dateline, never a clock time (ninth pass)."""
CJK_DATE_UNITS = frozenset("年月日時分秒更新")
"""The characters of a Chinese or Japanese date and time ("2025年1月14日 01時28分 (… 01時40分更新)"):
each counts as a word of its own, so a dateline is read without them (seventh pass)."""
DATE_LABELS = frozenset({
    "updated", "published", "posted", "last", "modified", "on", "at", "aktualisiert", "veröffentlicht",
    "actualizado", "publicado", "mis", "à", "jour", "le", "el", "am", "um",
})  # fmt: skip
"""The words that label a dateline ("Updated 12:30 PM EST, Tue March 3, 2026", "Publicado el 3 de marzo")."""
STAMP_LABELS = frozenset({
    "published", "publish", "updated", "update", "posted", "modified", "created", "edited", "stand", "stamp",
    "veröffentlicht", "veröffentlichung", "aktualisiert", "aktualisierung", "erstellt", "geändert", "bearbeitet",
    "erschienen", "publicado", "publicada", "actualizado", "actualizada", "actualización", "atualizado",
    "atualizada", "publié", "publiée", "créé", "créée", "modifié", "modifiée", "jour", "pubblicato", "aggiornato",
    "aggiornamento", "publicerad", "uppdaterad", "publisert", "oppdatert", "publiceret", "opdateret", "udgivet",
    "gepubliceerd", "bijgewerkt", "geplaatst", "julkaistu", "päivitetty", "opublikowano", "zaktualizowano",
    "aktualizacja", "güncelleme", "güncellendi", "yayınlanma", "yayınlandı", "publicat", "actualitzat",  # noqa: RUF001
})  # fmt: skip
"""The words of a label that names the page's own stamp ("Stand:", "Last updated:", "Mis à jour :",
"zuletzt bearbeitet:", "Güncelleme:"). A line "Label: date" is a dateline only with such a label: any
other label states a fact of the story (fourteenth pass: "Einsendeschluss: 03.11.2019", "Länge: 3:28:15",
"Mo bis Fr: 9:00 - 16:00 Uhr", "Attendance: 30,500." are kept)."""
_LABEL = re.compile(r"([^\W\d_]+(?:[\s.\-]+[^\W\d_]+)*)\s*:(?!\S)")
"""A label: words of letters before a colon that ends a word ("Stand:", "Mis à jour :"), not a time's
("12:30")."""
_LIST_OR_TABLE = re.compile(r"^\s*[-*•|]")
_SEGMENT_SEPARATOR = re.compile(r"(\s[|•·\u2013\u2014-]\s|,\s)")  # kept by split: a byline needs a bar
DATED_LINE_OTHER_MAX_WORDS = 4
"""In a dated line, the segments that are not a date are short: an outlet's or an author's name ("Le
Monde", "By Jane Doe"), a place ("PARIS")."""
DATED_LINE_BYLINE_MAX_WORDS = 8
BYLINE_OPENERS = frozenset({"by", "von", "por", "par", "door", "di", "av", "af", "od", "fra"})
"""Or a byline, opened by one of BYLINE_OPENERS, of at most DATED_LINE_BYLINE_MAX_WORDS words: two
authors' names ("Par Marie Dupont et Paul Martin", "By Jane Doe and John Smith"). The openers are
prepositions too ("On 4 May 2015, by a vote of 310 to 290, …", "di fronte a 300 persone"), so the
segment must follow a bar or a bullet (_BYLINE_SEPARATORS) or be names only (_byline_shape)."""
_BYLINE_SEPARATORS = frozenset("|•")
_BYLINE_CONJUNCTIONS = frozenset({"and", "et", "und", "y", "e", "&"})
_BYLINE_WITH = frozenset({"avec", "with", "mit", "con", "com", "met", "med"})
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "del", "di", "du", "la", "le", "dos", "das"})
_NAMES = r"N(?:p*N)*(?:cN(?:p*N)*)*"
_BYLINE_NAMES = re.compile(rf"{_NAMES}(?:\(w{_NAMES}\))?")
"""Capitalised names joined by "and"/"et"/"und"…, and co-authors in brackets ("(avec Damien Leloup et
Morgane Tual)", Le Monde's), as a string of token shapes (_byline_shape)."""


def drop_furniture_lines(text: str, author: str | None) -> str:
    """The text without its datelines, credits, bylines and labels (see the module's docstring)."""
    authors = author_names(author)
    kept = [line for line in text.split(PARAGRAPH_SEPARATOR) if not is_furniture(line, authors)]
    return PARAGRAPH_SEPARATOR.join(kept)


def author_names(author: str | None) -> tuple[frozenset[str], ...]:
    """Each author's name as a set of word tokens: trafilatura joins several authors with "; "."""
    names = (frozenset(word_tokens(name)) for name in (author or "").split(";"))
    return tuple(name for name in names if name)


def is_furniture(line: str, authors: tuple[frozenset[str], ...] = ()) -> bool:
    """Whether one line of the text is page furniture."""
    tokens = word_tokens(line)
    counted = len(tokens) - sum(map(CJK_DATE_UNITS.__contains__, tokens))  # counted in C: every line (speed17)
    if not tokens or counted > FURNITURE_MAX_WORDS or _LIST_OR_TABLE.match(line):
        return False
    return is_label(line) or is_dateline(line, tokens) or is_credit(line, tokens) or is_byline(tokens, authors)


def is_label(line: str) -> bool:
    """An ad label or a reading time: "Advertisement", "Anzeige", "Lesedauer: 4 Minuten", "5 min read"."""
    bare = " ".join(word_tokens(line))
    return bare in LABELS or bare in _CJK_LABELS or bool(READING_TIME.match(line) or TAXONOMY.match(line))


def is_dateline(line: str, tokens: list[str]) -> bool:
    """A date or a time and little else (see DATELINE_MAX_WORDS); one number is a year or a time.
    Its label ("Updated", "Published", "Last modified") is not counted (DATE_LABELS)."""
    tokens = [token for token in tokens if token not in CJK_DATE_UNITS and token not in DATE_LABELS]
    numeric = sum(token.isdigit() for token in tokens)
    words = {token for token in tokens if len(token) >= 4 and not token.isdigit()}
    return (
        numeric >= max(2, DATELINE_MIN_NUMERIC * len(tokens))
        and len(words) <= DATELINE_MAX_WORDS
        and bool(_DATE_OR_TIME.search(line))
        and not _RACE_TIME.search(line)
        and not _is_fact_label(line)
    )


def _is_fact_label(line: str) -> bool:
    """Whether the line's labels ("Label: …") are there and none names the page's own stamp (STAMP_LABELS):
    "Einsendeschluss: 03.11.2019" states a fact; "Stand: 22.04.2024, 06:00 Uhr" is the page's dateline."""
    labels = [label.casefold() for label in _LABEL.findall(line)]
    return bool(labels) and not any(word in STAMP_LABELS for label in labels for word in word_tokens(label))


def is_dated_line(line: str) -> bool:
    """A dateline with its outlet, place or byline run into it ("By Jane Doe | 4 May 2015, 13:36 |
    Updated 15:21", "PARIS • 04.05.2015 à 13h36 • Mis à jour …"): a line cut at its separators (" | ",
    " • ", " - ", ", ") into segments of which one at least is a dateline and every other is short.
    `is_dateline` alone reads the whole line, and a name beside the date has too many words for it
    (eleventh pass: the standfirst must be no such line)."""
    parts = _SEGMENT_SEPARATOR.split(line)
    segments = [(parts[i - 1] if i else "", parts[i]) for i in range(0, len(parts), 2) if parts[i].strip()]
    dated = [is_dateline(segment, word_tokens(segment)) for _, segment in segments]
    return (
        any(dated)
        and not _is_fact_label(line)
        and all(
            is_date or _is_short_or_byline(segment, separator)
            for (separator, segment), is_date in zip(segments, dated, strict=True)
        )
    )


def _is_short_or_byline(segment: str, separator: str) -> bool:
    """A dated line's other segment: a name or a place, or a byline of several authors ("Par Marie
    Dupont et Paul Martin", twelfth pass) after a bar or a bullet, or made of names only."""
    tokens = word_tokens(segment)
    if len(tokens) <= DATED_LINE_OTHER_MAX_WORDS:
        return True
    if len(tokens) > DATED_LINE_BYLINE_MAX_WORDS or tokens[0] not in BYLINE_OPENERS:
        return False
    return separator.strip() in _BYLINE_SEPARATORS or bool(_BYLINE_NAMES.fullmatch(_byline_shape(segment)))


def _byline_shape(segment: str) -> str:
    """The words after a byline's opener as shapes: N a capitalised name, p a particle ("von der"), c a
    conjunction, w a co-author's "avec"/"with", brackets as they are, x anything else."""
    shapes = []
    for word in re.findall(r"[()]|[^\s(),]+", segment)[1:]:
        lowered = word.lower()
        if word in "()":
            shapes.append(word)
        elif lowered in _BYLINE_CONJUNCTIONS:
            shapes.append("c")
        elif lowered in _BYLINE_WITH:
            shapes.append("w")
        elif lowered in _NAME_PARTICLES and word.islower():
            shapes.append("p")
        else:
            shapes.append("N" if word[0].isupper() else "x")
    return "".join(shapes)


def is_credit(line: str, tokens: list[str]) -> bool:
    """A photo credit or source line ("Foto: …", "(Quelle: dpa)"), or a copyright notice."""
    return len(tokens) <= CREDIT_MAX_WORDS and bool(_CREDIT.match(line) or _COPYRIGHT.search(line))


def is_byline(tokens: list[str], authors: tuple[frozenset[str], ...]) -> bool:
    """The page's authors again: one author's name is there in full (so "Von Nina" on a page by
    Nina Magoley is kept), and every word is an author's, a "by" word or a number."""
    words = set(tokens)
    if not any(name <= words for name in authors):
        return False
    known = frozenset().union(*authors)
    return all(token in known or token in BY_WORDS or token.isdigit() for token in tokens)
