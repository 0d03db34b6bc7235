"""A relative publication time printed under the headline ("2 hours ago", "hace 3 horas", "vor 2
Stunden", "3 giờ trước", "2時間前"): how long before the page was fetched it was published.

Such a page states no date a reader of its HTML alone can give (htmldate reads none of these), so
extraction returns the age (`ExtractedArticle.published_ago`) and the pipeline, which knows when it
fetched the page, counts back from the fetch (`articledates.article_dates`). Only a page that states no
date of its own and whose feed gives none is dated this way: a page's or a feed's date is exact,
"3 hours ago" is rounded. Read in English, Spanish, Portuguese, French, German, Italian, Dutch,
Polish, Russian, Turkish, Indonesian, Vietnamese, Arabic, Hindi, Thai, Japanese, Chinese and Korean,
and (ninth pass) Greek, Hebrew, Ukrainian, Persian, Urdu, Bengali, Swedish, Danish, Norwegian,
Finnish, Romanian, Czech, Hungarian and Swahili; (seventeenth pass) Kyrgyz, Kazakh, Uzbek, Azerbaijani,
Tagalog, Serbian, Croatian, Bulgarian, Lithuanian, Latvian, Estonian, Armenian, Georgian, Mongolian, Khmer,
Tamil, Telugu, Malayalam, Kannada, Gujarati, Punjabi and Marathi, Arabic's dual ("منذ ساعتين", two hours
ago) and the compact "2h ago", "5d ago";
(eighteenth pass) Serbian, Croatian and Bulgarian "pre", "prije", "преди" only standing alone (they mean
"before" too: "prije 3 dana utakmice", three days before the match), and no short sentence of the story
("The storm hit 2 hours ago.": `story_sentence`); (nineteenth pass) Lithuanian "prieš", Latvian "pirms", Hebrew
"לפני" and Czech "před" standing alone too, and a byline's role word right before the age ("Jane Doe, staff
writer 2 hours ago.") keeps the line a byline; (twentieth pass) the forms BBC World Service prints in Hausa,
Yoruba, Igbo, Oromo, Sinhala and Kinyarwanda (the unit before the count: "Sa'o'i 3 da suka wuce"), Amharic
("ከ 3 ሰአት በፊት"), Tigrinya, Burmese, Pashto, Somali, Nepali, Marathi's joined "३ तासांपूर्वी", Nigerian Pidgin
("3 hours wey don pass"), Persian "قبل" after the count, Malay "lepas", Filipino "na ang nakalipas", Kenyan Swahili
"masaa"; the "ago" words that also mean "before" (Persian "قبل", "پیش", Nepali, Pashto, Somali, Oromo) only
standing alone ("۳ روز پیش از انتخابات" is three days before the elections);
"a", "an", "one", "un", "una", "einer" count as 1. "Today, 10:30" and "Yesterday at 18:45" (in the same
languages but Urdu, Bengali, Norwegian, Hungarian and Swahili, whose "ma" and "leo" are words and
names too; a clock time after the word) are ages of 0 and 1 day: the day, not the time of day.

Pure: the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import timedelta

MAX_AGE = timedelta(days=31)
"""A relative time further back than this is no publication time a reader would count from."""

_UNITS = (
    ("minute", r"minutes?|mins?|minutos?|minuten?|minuti|minut[ay]?|минут[ауы]?|dakika|menit|phút|دقيقة|دقائق|मिनट"
               r"|นาที|分钟?|분"
               # ninth pass: Greek, Hebrew, Ukrainian, Persian, Nordic, Finnish, Czech, Urdu, Bengali
               r"|λεπτά|λεπτό|דקות|דקה|хвилин[иу]?|دقیقه|minuter|minutter|minuuttia|minuutti|minutami|منٹ|মিনিট"
               # seventeenth pass: Central Asia, the Caucasus, the Balkans, the Baltics, South India, Mongolia,
               # Cambodia, the Philippines; and the compact "5m ago" (the letter right after a digit: review,
               # "an h" read Vietnamese "anh trước", brother before, as an hour ago)
               r"|мүнөт|daqiqa|dəqiqə|minuto|минут[аи]|minut[ae]|minučių|minutę|minutes|minūtēm|minūtes|minutit"
               r"|րոպե|წუთის|минутын|នាទី|நிமிடங்களுக்கு|நிமிடங்கள்|நிமிடம்|నిమిషాల|నిమిషం|മിനിറ്റ്"
               r"|ನಿಮಿಷಗಳ|ನಿಮಿಷ|મિનિટ|ਮਿੰਟ|मिनिटे"
               # twentieth pass: Nepali, Marathi's oblique ("मिनिटांपूर्वी"), Pashto, Somali, Amharic, Tigrinya, Burmese
               r"|मिनेट|मिनिटां|मिनिटा|دقیقې|daqiiqadood|daqiiqad|ደቂቃዎች|ደቂቃ|ደቓይቕ|ደቒቕ|မိနစ်|min|(?<=\d)m"),
    ("hour", r"hours?|hrs?|horas?|heures?|stunden?|ore|ora|uur|godz\.?|godzin[ay]?|часов|часа|час|saat|jam|giờ"
             r"|ساعة|ساعات|घंटे|घंटा|ชั่วโมง|時間|小时|小時|시간"
             r"|ώρες|ώρα|שעות|שעה|годин[иу]?|година|ساعت|timmar|timme|timer|time|tuntia|tunti|oră|hodinami|hodinou"
             r"|گھنٹے|گھنٹہ|ঘণ্টা"
             r"|саат|сағат|soat|oras|сата|сат|sata|sati|sat|valand(?:as|ą|ų)|stund(?:ām|as)|tundi|tund|ժամ|საათის"
             r"|цагийн|ម៉ោង|மணி\s?நேரத்திற்கு|மணி\s?நேரம்|மணி|గంటల|గంట|മണിക്കൂർ|ಗಂಟೆಗಳ|ಗಂಟೆ|કલાક|ਘੰਟੇ|ਘੰਟਾ"
             r"|घण्टा|तासां|तासा|तास|ساعتونه|saacadood|saacad|ሰዓታት|ሰዓት|ሰአት|နာရီ|(?<=\d)h"),
    ("day", r"days?|d[ií]as?|jours?|tage?n?|giorni|giorno|dagen|dag|dni|dzień|дн(?:я|ей)|день|gün|hari|ngày"
            r"|يوم|أيام|दिन|วัน|日|天|일"
            r"|ημέρες|μέρες|ημέρα|ימים|יום|дні|днів|روز|dagar|dage|päivää|päivä|zile|zi|dny|dnem|دن|দিন"
            r"|күн|kun|araw|дана|dana|dan|дни|дена|ден|dien(?:as|ą|ų)|dienām|dienas|päeva|päev|օր|დღის|өдрийн"
            r"|ថ្ងៃ|நாட்களுக்கு|நாட்கள்|நாள்|రోజుల|రోజు|ദിവസം|ದಿನಗಳ|ದಿನ|દિવસ|ਦਿਨ|दिवसां|दिवसा|दिवस"
            r"|ورځې|maalmood|maalin|ቀናት|ቀን|መዓልቲ|ရက်|(?<=\d)d"),
)
_UNIT = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNITS)
_COUNT = r"(?P<count>\d{1,3}|an?|one|un[ao]?|einer|einem)"
# Arabic "قبل" is "before" too: "قبل 3 أيام من الانتخابات" is three days before the elections (review)
_NOT_BEFORE = r"(?!\s*(?:من|على)(?!\w))"
_CUE_FIRST = re.compile(
    rf"\b(?P<cue>hace|há|il y a|vor|منذ|قبل|πριν(?:\s+από)?|לפני|acum|před|för|пре|pre|prije|преди|prieš|pirms"
    r"|ቅድሚ|လွန်ခဲ့သော)"
    rf"\s+{_COUNT}\s+(?:{_UNIT})(?!\w){_NOT_BEFORE}", re.IGNORECASE)
_CUE_AFTER = re.compile(
    rf"(?<!\w){_COUNT}\s*(?:{_UNIT})\s*(?P<ago>ago|atrás|fa|geleden|temu|назад|önce|(?:yang\s+)?lalu|trước|पहले"
    r"|ที่แล้ว|前|전|тому|پیش|sedan|siden|sitten|پہلے|আগে"
    r"|мурун|бұрын|oldin|avval|əvvəl|(?:na\s+)?(?:ang\s+)?nakalipas|tagasi|առաջ|წინ|өмнө|មុន|முன்பு|முன்|క్రితం"
    r"|മുമ്പ്|ಹಿಂದೆ|પહેલાં|પહેલા|ਪਹਿਲਾਂ|पूर्वी|आधी"
    # twentieth pass: Nepali, Pashto, Somali, Persian "قبل", Malay, Nigerian Pidgin
    r"|पहिले|अगाडि|अघि|وړاندې|ka\s*hor|قبل|lepas|wey\s+don\s+pass)(?!\w)",
    re.IGNORECASE,
)
# twentieth pass: these "ago" words are "before" too ("۳ روز قبل از انتخابات", three days before the elections;
# Persian "پیش" as well), and Malay "lepas" is "after" in "3 menit lepas landas" (3 minutes after take-off):
# an age only standing alone, as `_ALSO_BEFORE`
_BEFORE_AFTER = frozenset(("قبل", "پیش", "पहिले", "अगाडि", "अघि", "وړاندې", "ka hor", "kahor", "lepas"))
# Amharic: "ከ 3 ሰአት በፊት" (from 3 hours before); "ከምርጫው 3 ቀን በፊት" is three days before the election
_AMHARIC = re.compile(rf"(?<!\w)ከ\s?{_COUNT}\s*(?:{_UNIT})\s*በፊት(?!\w)")
# Serbian, Croatian and Bulgarian "pre", "prije", "преди" are "before" too: "prije 3 dana utakmice" (three days
# before the match) names what follows; an age stands alone, at the line's end or before a separator (eighteenth pass)
# and (nineteenth pass) Lithuanian "prieš", Latvian "pirms", Hebrew "לפני", Czech "před": "prieš 3 dienas rinkimų
# komisija", "לפני 3 ימים הבחירות"
# and (twentieth pass) Tigrinya "ቅድሚ"
_ALSO_BEFORE = frozenset(("pre", "prije", "пре", "преди", "prieš", "pirms", "לפני", "před", "ቅድሚ"))
_WORD_NEXT = re.compile(r"[^\S\n]*[^\W\d_]")
# Swahili puts the unit first ("saa 3 zilizopita"); Hungarian says it in a suffix ("3 órája", "5 perce")
_OTHER_ORDER = re.compile(r"(?<!\w)(?:(?P<unit>saa|masaa|dakika|siku)\s+(?P<count>\d{1,3})\s+"
                          r"(?:zilizopita|iliyopita|yaliyopita)"
                          r"|(?P<count2>\d{1,3})\s*(?P<suffix>órája|perce|napja))(?!\w)", re.IGNORECASE)
_OTHER_UNITS = {"saa": "hour", "masaa": "hour", "dakika": "minute", "siku": "day",
                "órája": "hour", "perce": "minute", "napja": "day"}
# twentieth pass: the unit before the count, as BBC World Service prints it in Hausa ("Sa'o'i 3 da suka wuce"),
# Yoruba ("wákàtí 3 sẹ́yìn"), Igbo ("elekere 3 gara aga"), Oromo ("Sa'aatii 3 dura"), Sinhala ("පැය 3 කට පෙර")
# and Kinyarwanda ("Iminota 5 iraheze", or "Haciye amasaha 3" with "ago" first)
_UNIT_FIRST_WORDS = {
    "hour": ("sa'o'i", "sa'a", "awanni", "awa", "wákàtí", "elekere", "sa'aatii", "පැය", "amasaha", "isaha"),
    "minute": ("mintuna", "minti", "ìṣẹ́jú", "nkeji", "daqiiqaa", "මිනිත්තු", "iminota", "umunota"),
    "day": ("kwanaki", "kwana", "ọjọ́", "ụbọchị", "guyyaa", "දින", "iminsi", "umunsi"),
}
_UNIT_FIRST_UNITS = {unicodedata.normalize("NFC", word): unit
                     for unit, words in _UNIT_FIRST_WORDS.items() for word in words}
_UNIT_FIRST = re.compile(unicodedata.normalize(
    "NFC", r"(?<!\w)(?P<haciye>haciye\s+)?(?P<unit>" + "|".join(map(re.escape, _UNIT_FIRST_UNITS)) + r")\s+"
    r"(?P<count>\d{1,3})(?:\s*(?P<ago>da\s+(?:suka|ta)\s+wuce|sẹ́yìn|gara\s+aga|dura|(?:කට\s*)?පෙර|iraheze))?(?!\w)"),
    re.IGNORECASE)
_APOSTROPHES = str.maketrans("\u2019\u02bc", "''")  # curly and modifier-letter apostrophes
# Arabic counts two in the unit's dual and one by the unit alone: "منذ ساعتين" (two hours ago), "قبل يوم" (a day ago)
_ARABIC_DUAL = re.compile(r"(?<!\w)(?:منذ|قبل)\s+(?:(?P<two>ساعتين|ساعتان|يومين|يومان|دقيقتين|دقيقتان)"
                          r"|(?P<one>ساعة|يوم|دقيقة))(?!\w)" + _NOT_BEFORE)
_ARABIC_UNITS = {"س": "hour", "ي": "day", "د": "minute"}
_ONE = {"a", "an", "one", "un", "una", "uno", "einer", "einem"}
_NOT_LETTER_BEFORE, _NOT_LETTER_AFTER = r"(?<![^\W\d_])", r"(?![^\W\d_])"
_DAY_WORD = re.compile(
    _NOT_LETTER_BEFORE + r"(?:(?P<today>today|heute|hoy|aujourd'hui|oggi|hoje|vandaag|dzisiaj|сегодня|bugün|hari ini"
    r"|hôm nay|今日|今天|오늘|σήμερα|сьогодні|היום|امروز|idag|i dag|tänään|astăzi|azi|dnes)"
    r"|(?P<yesterday>yesterday|gestern|ayer|hier|ieri|ontem|gisteren|wczoraj|вчера|dün"
    r"|kemarin|hôm qua|昨日|昨天|어제|χθες|вчора|אתמול|دیروز|igår|i går|eilen|včera))" + _NOT_LETTER_AFTER
    # up to two short words before the time ("kl.", "klo", "в"); Nordic clocks write "10.30"
    + r"(?:[\W_]{1,3}\w{1,5}){0,2}[\W_]{0,3}\d{1,2}\s?[:.h時시]\s?\d{2}",
    re.IGNORECASE,
)
""""Today, 10:30", "gestern, 18:45 Uhr", "Вчера в 14:30": a day word with the clock time after it (without
a time, "today" is as often a section's name)."""


def relative_age(lines: Iterable[str]) -> timedelta | None:
    """The age the first relative time in `lines` gives ("2 hours ago": 2 hours), up to `MAX_AGE`."""
    for line in lines:
        match = _CUE_FIRST.search(line)
        if match is not None and match["cue"].lower() in _ALSO_BEFORE and _WORD_NEXT.match(line, match.end()):
            match = None
        match = match or _before_alone(_CUE_AFTER.search(line), line) or _AMHARIC.search(line)
        if match is None and (unit_first := _unit_first_age(line)) is not None:
            return unit_first
        if match is None and (other := _OTHER_ORDER.search(line)) is not None:
            unit = _OTHER_UNITS[(other["unit"] or other["suffix"]).lower()]
            return _age(int(other["count"] or other["count2"]), unit)
        if match is None and (dual := _ARABIC_DUAL.search(line)) is not None:
            return _age(2 if dual["two"] else 1, _ARABIC_UNITS[(dual["two"] or dual["one"])[0]])
        if match is None and (day_word := _DAY_WORD.search(line)) is not None:
            return timedelta(days=0 if day_word["today"] else 1)
        if match is None:
            continue
        count = 1 if match["count"].lower() in _ONE else int(match["count"])
        return _age(count, next(name for name, _ in _UNITS if match[name]))
    return None


def _before_alone(match: re.Match[str] | None, line: str) -> re.Match[str] | None:
    """The match, unless its "ago" also means "before" and a word follows it ("۳ روز قبل از انتخابات")."""
    if match is None or " ".join(match["ago"].lower().split()) not in _BEFORE_AFTER:
        return match
    return None if _WORD_NEXT.match(line, match.end()) else match


def _unit_first_age(line: str) -> timedelta | None:
    """The age a unit printed before its count gives ("Sa'o'i 3 da suka wuce", "Haciye amasaha 3"), the
    count followed by its "ago", or (Kinyarwanda) "haciye" before the unit; Oromo's "dura" (also "before")
    only standing alone."""
    if not line.isascii():  # a curly apostrophe, Yoruba's tones in either Unicode form
        line = unicodedata.normalize("NFC", line.translate(_APOSTROPHES))
    for match in _UNIT_FIRST.finditer(line):
        if not (match["haciye"] or match["ago"]):
            continue
        if match["ago"] and match["ago"].lower() == "dura" and _WORD_NEXT.match(line, match.end()):
            continue
        return _age(int(match["count"]), _UNIT_FIRST_UNITS[match["unit"].lower()])
    return None


def _age(count: int, unit: str) -> timedelta | None:
    age = timedelta(**{f"{unit}s": count})
    return age if age <= MAX_AGE else None


_SENTENCE_END = re.compile(r"(?<![^\W\d_])(?!(?:min|mins|hrs?|sec|godz|std)[.!?]$)[^\W\d_]{3,}[.!?\u3002]$",
                           re.IGNORECASE)
SENTENCE_WORDS = 4
"""A line of this many words or more that ends as a sentence, after a word and not a unit's abbreviation
("5 min."), is a sentence."""


# review: a byline of four words or more ends as a sentence too ("By Jane Doe 2 hours ago.", "Jane Doe, staff
# writer | 3 days ago."): one a byline word opens, or whose age follows a separator, is the page's
_BYLINE_OPENERS = frozenset(("by", "von", "por", "par", "door", "di", "av", "af", "od", "fra"))
_SEPARATORS = (",", "|", "·", "•", "-", "\u2013", "—", ":", "/")


def story_sentence(line: str) -> bool:
    """Whether a short line under the headline is a sentence ("The storm hit 2 hours ago."), shorter than
    the prose `pageblocks.is_prose` skips: the age it gives is an event's, not the page's (eighteenth pass;
    the caller keeps a line a publication cue opens, "Posted 3 hours ago."). Not a byline: a line a byline
    word opens ("By Jane Doe 2 hours ago."), or whose age follows a separator ("Jane Doe | 2 hours ago.")."""
    words = line.split()
    if not line.endswith((".", "!", "?", "\u3002")) or len(words) < SENTENCE_WORDS:
        return False
    if words[0].lower() in _BYLINE_OPENERS or _age_after_separator(line) or _age_after_role(line):
        return False
    return _SENTENCE_END.search(line) is not None


# nineteenth pass: a byline's role word right before the age ("Jane Doe, staff writer 2 hours ago.", "María
# Pérez, corresponsal hace 3 horas."); not one further back ("The reporter said the blast came 2 hours ago."), nor
# one a separator does not set off from a sentence (review: "I spoke to the editor 2 hours ago.")
_ROLE_BEFORE_AGE = re.compile(
    r"[,|·•\u2013—]\s*(?:[^\W\d_]+\s+){0,2}"  # set off by a separator: "Jane Doe, staff writer"
    r"(?:writer|reporter|correspondent|editor|staff|contributor|columnist|journalist|corresponsal"
    r"|reportera?|redactora?|periodista|redacción|jornalista|repórter|correspondente|redação|journaliste"
    r"|correspondante?|rédaction|rédactrice|rédacteur|redakteurin|redakteur|korrespondentin|korrespondent|redaktion"
    r"|giornalista|corrispondente|redazione|inviat[oa]|verslaggever|redactie|dziennikarka|dziennikarz|korespondent"
    r"|redakcja|muhabir|wartawan|koresponden|phóng viên)[\s,|·•:/\u2013—-]*$", re.IGNORECASE)


def _age_after_role(line: str) -> bool:
    match = _CUE_FIRST.search(line) or _CUE_AFTER.search(line)
    return match is not None and _ROLE_BEFORE_AGE.search(line[:match.start()][-40:]) is not None


def _age_after_separator(line: str) -> bool:
    match = _CUE_FIRST.search(line) or _CUE_AFTER.search(line)
    return match is not None and line[:match.start()].rstrip().endswith(_SEPARATORS)
