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


def test_cyrillic_lines_typed_with_latin_letters_stay() -> None:
    """Review of the twenty-second pass: Ukrainian, Belarusian and Kazakh sites often type the letter і as
    the Latin i (keyboards without it), and Russian text carries Latin o, c, a typos and formulas typed
    half in each script: every word of such a line mixes the scripts, but the words are Cyrillic (letters
    with no Latin twin: н, л, в, ы …), and the line is the story's."""
    lines = [
        "Президент Украiни заявив, що мiнiстерство оборони отримає додатковi кошти на закупiвлю технiки.",
        "Бiлiм және ғылым министрлiгi жаңа оқу жылына дайындық туралы мәлiмдеме жасады.",  # Kazakh
        "Мiнiстэрства адукацыi паведамiла пра новыя правiлы для школ у гэтым годзе.",  # Belarusian
        "Фото: Сергей Иванoв, пресс-служба мэрии Мoсквы",  # two Latin o in a short Russian line
        "Выбросы СO2 и NОx выросли на 5%.",  # formulas typed half in each script
        "Акции Appleа и Teslaа упали.",  # Latin names with a Cyrillic case ending, no hyphen
        "Усi рiшення НATO та EС щодо Украiни.",  # Latin i, and abbreviations typed half in each script
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text
