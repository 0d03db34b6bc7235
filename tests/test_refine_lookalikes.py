# ruff: noqa: RUF001, RUF002, RUF003  (the look-alike letters are the point of these tests)
"""Lines written in look-alike letters (`newsflow.markedlines`, twenty-second pass): Latin words spelt
partly with Cyrillic letters that look the same ("Yоur соntеnt", "Аdvеrtіѕе") are text made to slip
past filters, an advertiser's box, not the story. Hand-written lines; the hostile guards are real
Cyrillic and mixed-script text that a story has (docs/extraction.md, "Twenty-second pass, text")."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.refine import drop_marked_lines
from newsflow.text import normalize_text

STORY = "The health ministry confirmed three new cases on Monday and asked travellers to report symptoms early."
CLOSE = "Officials said the clinics in the south will stay open through the weekend for walk-in visits."
# Latin words with Cyrillic о, е, а, с, р, і, ѕ, у, В, С, А in them (written for this test)
LOOKALIKE_LINES = (
    "Аdvеrtіѕе hеrе: rеасh thоuѕаndѕ оf rеаdеrѕ еvеrу dау!",
    "Gеt уоur brаnd іn frоnt оf оur аudіеnсе. Саll 555-0100 tоdау.",
    "Wеrbеn Ѕіе hіеr: Ihrе Аnzеіgе fär tаuѕеndе Lеѕеr.",  # German written the same way
    "Рublісіdаd: ѕu аnunсіо lеídо роr mіlеѕ dе реrѕоnаѕ.",  # Spanish
)


def test_a_line_spelt_with_cyrillic_look_alike_letters_is_dropped() -> None:
    text = "\n".join([STORY, *LOOKALIKE_LINES, CLOSE])
    assert drop_marked_lines(text) == f"{STORY}\n{CLOSE}"


def test_cyrillic_stories_and_mixed_script_lines_stay() -> None:
    lines = [
        "Министерство здравоохранения подтвердило три новых случая в понедельник.",  # Russian
        "Компания Apple представила новый iPhone, а Samsung ответила через неделю.",  # words of both scripts
        "Новий Wi-Fi-роутер і USB-C-кабель продаються у Києві з вересня.",  # hyphenated compounds (Ukrainian)
        "Компанията Microsoft обяви, че Windows 11 ще бъде безплатна за училищата.",  # Bulgarian
        "Владимир Путин встретился с Emmanuel Macron в Москве, сообщает Reuters.",
        "Москвa принимает гостей: одна опечатка в слове не делает строку рекламой.",  # one typo, Latin a
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text


def test_a_story_line_with_one_look_alike_word_stays() -> None:
    line = "The company, which calls itself Ѕtаrtup Hub in its filings, raised ten million dollars this year."
    text = "\n".join([STORY, line, CLOSE])
    assert drop_marked_lines(text) == text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([STORY, CLOSE, *LOOKALIKE_LINES, "Москва", "iPhone-а"]), min_size=1, max_size=8))
def test_lines_are_only_dropped_and_stay_in_normal_form(lines: list[str]) -> None:
    kept = drop_marked_lines("\n".join(lines))
    assert kept == normalize_text(kept)
    assert all(line in lines for line in kept.split("\n") if line)
