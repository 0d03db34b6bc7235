"""Author cues on a byline's line: the preposition that opens an author's name ("By", "Von", "Di", "Por") and whether
the words after it are a name only (split out of `newsflow.headline_date` in the review of the thirty-first pass).

Pure: strings in, answers out.
"""

from __future__ import annotations

import re
from datetime import date

AUTHOR_CUE = re.compile(r"(?<![^\W\d_])(?:by|von|par|por|di|door|av|af|przez)\s+(?=[^\W\d_])", re.IGNORECASE)

_PLACE_PREPOSITIONS = frozenset({"di", "von", "av", "af"})  # review: Danish "af" is "of" too ("Dronningen af Danmark")
_SEPARATORS = "|·•–—/,:;("  # noqa: RUF001 (the dashes bylines print)
# an article's genre before "von"/"di"/"av" names its author ("Ein Kommentar von A. Autor", "Un commento di M. Rossi",
# "En krönika av A. Svensson"; review of the thirty-first pass)
_GENRES = frozenset({
    "kommentar", "bericht", "analyse", "gastbeitrag", "beitrag", "text", "artikel", "interview", "reportage",
    "kolumne", "essay", "glosse", "rezension", "kritik", "leitartikel", "porträt", "feature", "meinung",
    "articolo", "commento", "editoriale", "intervista", "analisi", "servizio", "rubrica", "testo", "recensione",
    "cronaca", "krönika", "kronikk", "analys", "ledare", "artikkel", "tekst", "recension", "intervju", "kommentaar",
    "klumme", "kronik", "leder", "anmeldelse",
})
# joining words, a dateline's place's prepositions and names' particles (review: "By A. Writer in Rome, March 13",
# "Por María de la Cruz, 13 de marzo", "By Jan van der Berg · March 13")
_NAME_JOINERS = frozenset({
    "on", "le", "am", "el", "em", "il", "op", "den", "and", "und", "et", "y", "e", "in", "à", "a", "en", "aus",
    "from", "da", "de", "la", "del", "van", "von", "der", "di", "dos", "das", "ter", "ten", "bin", "al", "ibn",
})
_NAME_WORDS = 6
# a weekday's name may run into the day after an author's name and a separator ("By A. Writer · Friday March 13")
_FULL_WEEKDAYS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes", "miércoles", "jueves", "viernes",
    "sábado", "domingo", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "maandag", "dinsdag",
    "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    # review: the other languages an author's cue is read in (`AUTHOR_CUE`: "av", "af", "por", "przez")
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag", "mandag", "tirsdag", "lørdag", "søndag",
    "segundafeira", "terçafeira", "quartafeira", "quintafeira", "sextafeira", "segunda", "terça", "quarta", "quinta",
    "sexta", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela",
})
# each short form with the weekday it names (Monday 0 ... Sunday 6; thirty-sixth pass: a short form counts only where
# it names the date's weekday, "Fri March 13, 2026", not "Sun March 13, 2026"); every form names one weekday in every
# language it is read in ("Di" is Dienstag and dinsdag, "Do" Donnerstag and donderdag, "Mar" mardi, martes, martedì);
# review: each language's other short forms too (English "Tues", "Thurs", "Weds"; Italian "Sab"; Spanish without its
# accents, "Mie", "Sab"; Polish "Pn", "Sb", "Nd"), read as a label's word before
_SHORT_WEEKDAYS = {
    **dict.fromkeys(("mon", "mo", "lun", "ma", "mån", "man", "seg", "pon", "pn"), 0),
    **dict.fromkeys(("tue", "tues", "di", "mar", "tis", "tir", "ter", "wt"), 1),
    **dict.fromkeys(("wed", "weds", "mi", "mer", "mié", "mie", "wo", "ons", "qua", "śr"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "do", "jeu", "jue", "gio", "tor", "qui", "czw"), 3),
    **dict.fromkeys(("fri", "fr", "ven", "vie", "vr", "fre", "sex", "pt"), 4),
    **dict.fromkeys(("sat", "sa", "sam", "sáb", "sab", "za", "lör", "lør", "sob", "sb"), 5),
    **dict.fromkeys(("sun", "so", "dim", "dom", "zo", "sön", "søn", "niedz", "nd"), 6),
}
_WEEKDAYS = _FULL_WEEKDAYS | frozenset(_SHORT_WEEKDAYS)
# a creation's cue the publication cues (`headline_date._PUBLISHED`) lack: "Von A. Autor | Erstellt am 13.03.2026"
_CREATED = frozenset({"erstellt", "created", "creado", "criado", "créé", "creato", "aangemaakt", "skapad", "oprettet"})
_FULL_WEEKDAY = 5  # the shortest full name ("lunes", "mardi"); "lun", "mer", "sex" are no weekday in lower case
_SHORT_CAPITALS = 4  # an agency's short name before the day ("By A. Writer · AP March 13", "Von A. Autor | dpa/AFP")


def opens_author(line: str, cue: re.Match[str]) -> bool:
    """Whether an author cue and the capital after it open an author's name: "di", "von", "av", "af" only at the line's
    start, after a separator ("Di Mario Rossi", "Text: A. | von A. Autor") or after an article's genre ("Ein
    Kommentar von A. Autor"; review), as after another noun they name a place or an institution as often ("Comune
    di Milano", "Rat von Berlin"; thirty-first pass)."""
    if not line[cue.end()].isupper():
        return False
    if cue[0].split()[0].lower() not in _PLACE_PREPOSITIONS:
        return True
    before = line[:cue.start()].rstrip()
    return not before or before[-1] in _SEPARATORS or before.split()[-1].lower() in _GENRES


def after_author(text: str, day: date | None = None) -> bool:
    """Whether `text` ends with an author's cue and name ("By A. Writer · ", "Por A. Autor"); `day`, the date after
    `text`, tells a short weekday's name from a label's word (`_weekday`)."""
    cues = [cue for cue in AUTHOR_CUE.finditer(text) if opens_author(text, cue)]
    return bool(cues) and _names_only(text[cues[-1].end():], day)


def weekdays_only(text: str, day: date | None = None) -> bool:
    """Whether `text`, before a date in the element after an author's name's, holds no word but a weekday's
    ("Friday", "vendredi", "Fr,"): the day's element prints its weekday ("By A. Writer ·" <span>Friday March 13</span>,
    thirty-third pass); a label's words ("Print Edition") are not. Words without a letter (a number, a dash) are no
    word here, as before this pass. `day` is the date after `text` (`_weekday`)."""
    words = _words_before_the_date(text)
    return all(not any(character.isalpha() for character in word) or _weekday(word, index == len(words) - 1, day)
               for index, word in enumerate(words))


def _words_before_the_date(text: str) -> list[str]:
    """The letters and digits of each word of `text`, which runs into a date, without the words that hold neither
    (a dash, a dot): the last one is the word the date follows."""
    return [word for word in map(_alnum, text.split()) if word]


def _weekday(word: str, date_follows: bool, day: date | None = None) -> bool:
    """Whether `word` is a weekday's name: a full one anywhere, a short one only where the date follows it ("Fri March
    13", "Fr., 13.03."); the short forms are words too ("Sun and AP March 13", "Man", "Mar", "Sex": thirty-fifth
    pass), and (thirty-sixth pass) with the date known, only where it names the date's weekday ("Sun March 13, 2026",
    a Friday, is a label's word)."""
    letters = word.lower()
    if letters not in _SHORT_WEEKDAYS:  # review: by the table, not by length ("Niedz" has a full name's five letters)
        return letters in _FULL_WEEKDAYS
    return date_follows and (day is None or _SHORT_WEEKDAYS[letters] == day.weekday())


def _alnum(word: str) -> str:
    """The word's letters and digits, its punctuation gone ("Fr," is "Fr", "sexta-feira" is "sextafeira")."""
    return "".join(character for character in word if character.isalnum())


def _names_only(text: str, day: date | None = None) -> bool:
    """Whether `text`, between an author cue and a date, is the author's name only: capitalised words, initials,
    separators and a joining word ("A. Writer on", "Laura E. Adkins /"); not a label ("Print Edition:") nor a
    sentence ("The vote is scheduled for")."""
    words = text.split()
    while words and _full_weekday(words[-1]):
        words.pop()  # thirty-third pass: "Par A. Auteur · vendredi 13 mars", a weekday in lower case runs into the day
    if len(words) > _NAME_WORDS:
        return False
    for word in words:
        letters = _alnum(word)
        if word.endswith(":") or (letters and not letters[0].isupper() and letters.lower() not in _NAME_JOINERS):
            return False
    return not _label_after_name(text, day)


def _full_weekday(word: str) -> bool:
    """Whether `word` is a weekday's full name ("vendredi", "sexta-feira"): the short forms are words too ("man",
    "sex", "mar", "sun"), read only capitalised, after a separator (`_label_after_name`)."""
    letters = _alnum(word).lower()
    return len(letters) >= _FULL_WEEKDAY and letters in _WEEKDAYS


def _label_after_name(text: str, day: date | None = None) -> bool:
    """Whether capitalised words that are no weekday's follow the name's last separator and run into the date: a
    label's ("By A. Writer · Print Edition March 13", thirty-second pass); a role's or an agency's before a separator
    ("By A. Writer, Staff Writer · March 13") leaves the day right after it."""
    # review: a closing parenthesis ends a part ("By Jane Doe (Reuters) March 13"), and a spaced hyphen separates as a
    # dash does ("By A. Writer - Print Edition March 13"; a hyphen inside a name, "Jean-Pierre", does not)
    cut = max(text.rfind(separator) for separator in (*_SEPARATORS, ")", " - "))
    if cut < 0:
        return False
    if day is not None and _other_weekday_alone(text, day):
        return True
    words = _words_before_the_date(text[cut + 1:])
    # review of the thirty-fifth pass: a joining word may stand between the weekday and the date ("Fr. den 13. März")
    last = max((index for index, word in enumerate(words) if word.lower() not in _NAME_JOINERS), default=-1)
    return any(word[:1].isupper() and not _weekday(word, index == last, day) and word.lower() not in _CREATED
               and word.lower() not in _NAME_JOINERS  # review: "Par A. Auteur · Le 13 mars", "Posted On March 13"
               and not (word.isupper() and len(word) <= _SHORT_CAPITALS) for index, word in enumerate(words))


def _other_weekday_alone(text: str, day: date) -> bool:
    """Whether the part of `text` after its last separator but a comma is a short weekday's name only (joining words
    aside) that is not `day`'s weekday ("By A. Writer · Mon, March 13, 2026", a Friday: thirty-sixth pass); a name's
    word before a comma ("By Wei Sun, March 13") is not alone in its part."""
    cut = max(text.rfind(separator) for separator in (*_SEPARATORS.replace(",", ""), ")", " - "))
    words = [word.lower() for word in _words_before_the_date(text[cut + 1:])]
    return bool(words) and all(word in _SHORT_WEEKDAYS or word in _NAME_JOINERS for word in words) and any(
        _SHORT_WEEKDAYS.get(word, day.weekday()) != day.weekday() for word in words)
