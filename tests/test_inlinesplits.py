"""Twenty-third pass: a paragraph that trafilatura split at an inline element is one line again
(`newsflow.inlinesplits`; docs/extraction.md, "Twenty-third pass, text").

The pages are written by hand in the layout the Times of India's story has: the story's text runs
in one `<div>`, paragraphs apart by `<br>`, with a widget's block inside it, under class names a build
tool made up (no "article" or "content" for trafilatura's own search to find). trafilatura then sets
every inline element of the div (a link, `<strong>`, `<em>`) on a line of its own."""

from __future__ import annotations

import time

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.extract import extract_article
from newsflow.inlinesplits import join_inline_splits, unwrap_source_lines, unwrapped_lines
from newsflow.text import normalize_text

WIDGET = '<div id="poll"><span>Vote now</span></div>'


def _page(title: str, runs: list[str], lang: str = "en") -> str:
    """A story as text runs in one div, `<br>` between them, a widget's block after the second."""
    body = "<br/>".join(runs[:2]) + WIDGET + "<br/>".join(runs[2:])
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body><div class="Xq3kP">'
            f'<div class="mT0a"><h1>{title}</h1><div class="_s30J clearfix">{body}</div></div></div></body></html>')


def _lines(html: str) -> list[str]:
    article = extract_article(html, "https://example.com/news/story-1")
    assert article is not None
    return article.text.split("\n")


GERMAN = _page("Stadtrat beschließt neue Radwege für die Innenstadt", [
    "BERLIN: Der <strong>Stadtrat</strong> hat am Dienstagabend mit großer Mehrheit beschlossen, in der Innenstadt bis"
    " 2028 insgesamt zwölf Kilometer neue Radwege anzulegen und dafür mehrere Parkplätze zu streichen.",
    "Die Verwaltung soll bis zum Herbst einen Zeitplan vorlegen, wie die einzelnen Abschnitte gebaut werden und welche"
    " Straßen zuerst an der Reihe sind, sagte die Sprecherin der Stadt.",
    'Kritik kam vom <a href="https://example.de/thema/handel">Einzelhandelsverband</a>, der einen Rückgang der'
    " Kundschaft fürchtet, wenn in den Geschäftsstraßen weniger Parkplätze zur Verfügung stehen als bisher.",
    "Die Grünen begrüßten den Beschluss dagegen als überfälligen Schritt und verwiesen auf die steigende Zahl der"
    " Radfahrer, die täglich in die Innenstadt pendeln.",
], "de")

SPANISH = _page("El puerto amplía su terminal de contenedores", [
    'VALENCIA: La autoridad <a href="https://example.es/tema/puerto">portuaria</a> aprobó este lunes la ampliación'
    ' de la terminal norte, una obra de <a href="https://example.es/tema/inversion">450 millones de euros</a> que'
    " duplicará la capacidad de carga en cinco años.",
    "Los trabajos comenzarán en primavera y se desarrollarán en tres fases, según el calendario presentado por la"
    " dirección del puerto ante el consejo de administración.",
    "Las asociaciones vecinales han pedido que se estudie el impacto en el tráfico de los barrios cercanos, donde ya"
    " se registran atascos frecuentes en las horas punta.",
    "El consejero de Infraestructuras defendió que la ampliación creará empleo estable y atraerá nuevas rutas"
    " marítimas que hoy eligen otros puertos.",
], "es")

ENGLISH = _page("Pakistan's army turns to the internet", [
    'NEW DELHI: <a href="https://example.com/topic/pakistan">Pakistan</a>\'s approach to countering militancy is'
    " evolving as its army's new operation is increasingly focusing on what it calls digital terrorism, a term that"
    " remains vague.",
    "The army chief has over the past few months repeatedly warned that digital platforms are being exploited to"
    " spread misinformation against state institutions.",
    "A spokesman blamed a political party without naming ousted prime minister"
    ' <a href="https://example.com/topic/imran-khan">Imran Khan</a>, whose party has a formidable social media'
    " presence across the country.",
    "<em>Slower internet speeds</em> have been reported across the country for months, and the government has"
    " confirmed it is upgrading its web management system.",
])


def test_a_paragraph_split_at_its_links_is_one_line_again() -> None:
    lines = _lines(ENGLISH)
    assert lines[0].startswith("NEW DELHI: Pakistan's approach to countering militancy")
    assert any(line.startswith("A spokesman blamed") and "Imran Khan, whose party" in line for line in lines)
    assert "Pakistan" not in lines and "Imran Khan" not in lines


def test_an_emphasis_opening_a_paragraph_runs_into_its_sentence() -> None:
    assert any(line.startswith("Slower internet speeds have been reported") for line in _lines(ENGLISH))


def test_strong_and_links_in_german_and_two_links_in_one_spanish_paragraph() -> None:
    german = _lines(GERMAN)
    assert german[0].startswith("BERLIN: Der Stadtrat hat am Dienstagabend")
    assert any(line.startswith("Kritik kam vom Einzelhandelsverband, der") for line in german)
    spanish = _lines(SPANISH)
    assert spanish[0].startswith("VALENCIA: La autoridad portuaria aprobó")
    assert "una obra de 450 millones de euros que duplicará" in spanish[0]


def test_every_paragraph_is_one_line_and_no_line_is_blank() -> None:
    for html in (ENGLISH, GERMAN, SPANISH):
        lines = _lines(html)
        assert all(lines) and "\n".join(lines) == normalize_text("\n".join(lines))
        story = [line for line in lines if len(line.split()) >= 10]
        assert len(story) == 4


# Hostile guards: pieces that look like the class and are not.

def test_a_link_on_a_line_of_its_own_between_breaks_stays_a_line() -> None:
    runs = [
        "NEW DELHI: The army chief has over the past few months repeatedly warned that digital platforms are being"
        " exploited to spread misinformation against state institutions.",
        "A spokesman said the campaign would continue until the end of the year and that new rules were being drafted"
        " by the ministry.",
        '<a href="https://example.com/news/firewall">Firewall tests slow the internet for millions of users</a>',
        "Users have reported difficulties in sending and receiving messages on several platforms, which are crucial"
        " for communication in the country.",
    ]
    lines = _lines(_page("Pakistan's army turns to the internet", runs))
    assert not any("Firewall tests" in line and len(line.split()) > 12 for line in lines)


def test_paragraphs_of_their_own_around_a_linked_paragraph_stay_apart() -> None:
    html = (
        "<html><head><title>Bridge reopens after repairs</title></head><body><article>"
        "<h1>Bridge reopens after repairs</h1>"
        "<p>The city's main bridge reopened on Monday after eight months of repairs that cost more than twelve million"
        " pounds, the council said.</p>"
        '<p><a href="https://example.com/news/bridge-closure">Bridge closed for eight months</a></p>'
        "<p>Drivers had faced long diversions through the town centre, and bus routes were changed for the whole of"
        " the repair work.</p></article></body></html>"
    )
    article = extract_article(html, "https://example.com/news/bridge")
    assert article is not None
    lines = article.text.split("\n")
    assert not any("Bridge closed for eight months" in line and len(line.split()) > 6 for line in lines)


def _body(xml: str) -> object:
    return lxml.html.fragment_fromstring(xml, create_parent="body")


def test_a_line_shown_elsewhere_as_a_link_inside_other_text_stays() -> None:
    """A subhead "Pakistan" the page also shows as a link in another paragraph: the text around that link
    is not the subhead's neighbours."""
    text = "The first paragraph of the story ends here.\nPakistan\nThe next paragraph begins here."
    body = _body("<p>The first paragraph of the story ends here.</p>Pakistan<p>The next paragraph begins here.</p>")
    page = lxml.html.fromstring(
        "<html><body><h2>Pakistan</h2><p>Officials visited <a href='/t/pk'>Pakistan</a> last week for talks.</p>"
        "</body></html>"
    )
    assert join_inline_splits(text, [body], page) == text


def test_a_text_whose_lines_are_not_loose_in_trafilaturas_output_is_unchanged() -> None:
    text = "NEW DELHI:\nPakistan\n's approach to countering militancy is evolving."
    body = _body("<p>NEW DELHI:</p><p>Pakistan</p><p>'s approach to countering militancy is evolving.</p>")
    page = lxml.html.fromstring("<html><body><div>NEW DELHI: <a href='/t'>Pakistan</a>'s approach to countering"
                                " militancy is evolving.</div></body></html>")
    assert join_inline_splits(text, [body], page) == text


_WORDS = st.text(alphabet="abcdefgh ,.'", min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)


@given(pieces=st.lists(_WORDS, min_size=3, max_size=8), linked=st.sets(st.integers(0, 7)),
       spaced=st.lists(st.booleans(), min_size=8, max_size=8))
@settings(max_examples=150, deadline=None)
def test_joining_keeps_every_character_in_order_and_the_normal_form(
    pieces: list[str], linked: set[int], spaced: list[bool]
) -> None:
    """Any run of text pieces, some of them links, split one a line: the result is in normal form and
    holds the same characters in the same order (only line breaks become a space or nothing)."""
    html_parts, body_parts = [], []
    for index, piece in enumerate(pieces):
        space = " " if spaced[index] else ""
        html_parts.append(f"<a href='/x{index}'>{piece}</a>{space}" if index in linked else piece + space)
        body_parts.append(piece if index in linked else f"<p>{piece}</p>")
    page = lxml.html.fromstring(f"<html><body><div>{''.join(html_parts)}</div></body></html>")
    text = normalize_text("\n".join(pieces))
    joined = join_inline_splits(text, [_body("".join(body_parts))], page)
    assert joined == normalize_text(joined)
    assert joined.replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


# The source's own line breaks (`unwrap_source_lines`): HTML sources wrap a paragraph over several
# lines and set its links on lines of their own; a browser shows one paragraph (macwelt's layout:
# a `<br>` before `</p>`).

def _wrapped_page(paragraphs: list[str], extra: str = "") -> str:
    """Paragraphs wrapped over source lines, each closed by a `<br>` as some editors leave it (trafilatura
    then keeps the paragraph's source white space)."""
    body = "".join(f"<p>\n    {paragraph}\n  <br>\n</p>\n" for paragraph in paragraphs)
    return ("<html><head><title>Leak shows the next phone</title></head><body><article>"
            f"<h1>Leak shows the next phone</h1>\n{body}{extra}</article></body></html>")


WRAPPED = [
    "Schon kurz nach dem Start der neuen Generation hat der bekannte Leaker\n"
    '        <a href="https://example.de/news/renderings">Jon Prosser Renderings des Handys veröffentlicht</a>\n'
    "        , die das kommende Gerät komplett ohne Kerbe am oberen Bildschirmrand zeigen.",
    "The renderings, based on pictures and blueprints from his sources, show that the logo on the back\n"
    "is set under the glass and that the frame of the two glass sides no longer closes at the edges,\n"
    "as <b>analysts</b> had expected for this year.",
    "Selon plusieurs sources, le fabricant aurait également commandé des écrans à un nouveau fournisseur,\n"
    "    <em>qui construit encore ses usines</em>\n"
    "    pour pouvoir livrer davantage d'écrans l'an prochain.",
]


def test_a_paragraph_wrapped_over_source_lines_is_one_line() -> None:
    lines = _lines(_wrapped_page(WRAPPED))
    assert any(line.startswith("Schon kurz nach dem Start") and line.endswith("am oberen Bildschirmrand zeigen.")
               for line in lines)
    assert any(line.startswith("The renderings, based on") and line.endswith("as analysts had expected for this year.")
               for line in lines)
    assert any(line.startswith("Selon plusieurs sources") and line.endswith("davantage d'écrans l'an prochain.")
               for line in lines)
    assert len(lines) == 3 and all(lines)


def test_code_blocks_keep_their_lines_and_line_breaks_stay_breaks() -> None:
    extra = ("<pre><code>import requests\nresponse = requests.get(url)\nprint(response.status_code)</code></pre>\n"
             "<p>Harbour Road 12<br/>4410 Bay Town<br/>Phone 555 0100</p>")
    lines = _lines(_wrapped_page(WRAPPED[:2], extra))
    assert "import requests" in lines and "response = requests.get(url)" in lines
    assert "Harbour Road 12" in lines and "4410 Bay Town" in lines


def test_unwrapping_makes_line_breaks_spaces_outside_code_only() -> None:
    body = _body("<p>one\n  two <hi>three</hi>\n four</p><code>a = 1\nb = 2</code>\n<p>five</p>")
    assert unwrap_source_lines(body) is True
    paragraph, code, last = list(body)  # type: ignore[call-overload]
    assert "".join(paragraph.itertext()) == "one two three four"
    assert code.text == "a = 1\nb = 2" and code.tail == " " and last.text == "five"
    assert unwrap_source_lines(body) is False


def test_a_line_break_left_by_flattened_blocks_stays_a_break() -> None:
    """trafilatura flattens a reading-time label and the lead below it into one text with a line break as
    the only trace of their two blocks; the page shows two blocks, so the line break stays."""
    text = "Reading time: less than a minute\nThe county council approved the new bus routes on Tuesday evening."
    unwrapped = text.replace("\n", " ")
    page = lxml.html.fromstring(
        "<html><body><div class='meta'><span>Reading time: less than a minute</span></div>"
        "<div class='lead'><p>The county council approved the new bus routes on Tuesday evening.</p></div>"
        "</body></html>"
    )
    assert unwrapped_lines(text, unwrapped, page) == text
    teaser = lxml.html.fromstring(
        "<html><body><div><h3>Council approves bus routes</h3>The county council approved the new bus routes on"
        " Tuesday evening.</div></body></html>"
    )
    text = "Council approves bus routes\nThe county council approved the new bus routes on Tuesday evening."
    assert unwrapped_lines(text, text.replace("\n", " "), teaser) == text


def test_a_line_break_the_source_wrapped_or_set_beside_a_link_is_a_space() -> None:
    text = "hat der bekannte Leaker\nJon Prosser Renderings veröffentlicht\n, die das Gerät zeigen.\nNext paragraph."
    unwrapped = "hat der bekannte Leaker Jon Prosser Renderings veröffentlicht , die das Gerät zeigen.\nNext paragraph."
    page = lxml.html.fromstring(
        "<html><body><p>hat der bekannte Leaker\n  <a href='/r'>Jon Prosser Renderings veröffentlicht</a>\n"
        "  , die das Gerät zeigen.</p><p>Next paragraph.</p></body></html>"
    )
    assert unwrapped_lines(text, unwrapped, page) == unwrapped


def test_a_buttons_labels_side_by_side_stay_apart() -> None:
    """A toggle's two labels (one shown at a time) are inline spans of one control: not a run of text."""
    text = "Bild anzeigen\nBild schließen\nRühre die Butter mit dem Zucker schaumig."
    page = lxml.html.fromstring(
        "<html><body><div role='button' class='toggle'>\n<span>\nBild anzeigen </span>\n<span>\nBild schließen"
        " </span>\n</div><p>Rühre die Butter mit dem Zucker schaumig.</p></body></html>"
    )
    unwrapped = "Bild anzeigen Bild schließen\nRühre die Butter mit dem Zucker schaumig."
    assert unwrapped_lines(text, unwrapped, page) == text


def test_a_hostile_page_of_thousands_of_alike_lines_stays_linear() -> None:
    """3,000 wrapped lines ending alike in one text node, 3,000 other nodes, 3,000 links of one text: each
    line break and loose line costs a bounded search (before the bounds: 29 s for the first)."""
    lines = [f"line number {index} of a very long wrapped paragraph that goes on" for index in range(3000)]
    page = lxml.html.fromstring("<html><body><p>" + "\n".join(lines) + "</p>"
                                + "".join(f"<div>box {index} on</div>" for index in range(3000)) + "</body></html>")
    started = time.process_time()
    result = unwrapped_lines("\n".join(lines), " ".join(lines), page)
    assert result.replace("\n", " ") == " ".join(lines)
    links = lxml.html.fromstring("<html><body><div>" + "".join(
        f"text {index} <a href='/x'>Pakistan</a> more {index}<br>" for index in range(3000)) + "</div></body></html>")
    body = _body("".join(f"<p>text {index}</p>Pakistan<p>more {index}</p>" for index in range(3000)))
    text = "\n".join(line for index in range(3000) for line in (f"text {index}", "Pakistan", f"more {index}"))
    assert join_inline_splits(text, [body], links).startswith("text 0 Pakistan more 0\n")
    assert time.process_time() - started < 5


def _runs_page(runs: list[str], lang: str = "en") -> str:
    """The class layout (`_page`) with the source's own line break after each `<br>`."""
    return _page("City council approves new bus routes after debate", [f"\n{run}" for run in runs], lang)


RUNS = [
    "The county council approved the new bus routes on Tuesday evening after a two-hour debate in the chamber.",
    "The operator said the first buses would run in March and that drivers had already been hired for the lines.",
    "Residents of the northern villages had campaigned for years for a direct link to the hospital and the station.",
    "The opposition said the plan was too costly and that the money would have been better spent on the roads.",
]


def test_a_link_joined_to_cjk_text_gets_no_space_the_page_lacks() -> None:
    """Review: `<a>北部村庄</a>的居民` is one run with no space in it; the join wrote "北部村庄 的居民"."""
    chinese = _page("市议会批准新公交线路", [
        "市议会周二晚上经过两个小时的辩论后批准了新的公交线路。", "运营商表示第一批公交车将于三月开通。",
        "<a href='/t/x'>北部村庄</a>的居民多年来一直争取直达医院和火车站的线路。", "反对派表示该计划成本过高。",
    ], "zh")
    japanese = _page("市議会が新バス路線を承認", [
        "市議会は火曜日の夜、二時間の議論の末に新しいバス路線を承認した。",
        "運行会社によると、最初のバスは三月に走り始める予定だ。",
        "<strong>北部の村</strong>の住民は長年、病院と駅への直通路線を求めてきた。",
        "野党は計画の費用が高すぎると批判した。",
    ], "ja")
    assert "北部村庄的居民多年来一直争取直达医院和火车站的线路。" in _lines(chinese)
    assert "北部の村の住民は長年、病院と駅への直通路線を求めてきた。" in _lines(japanese)


def test_a_share_bar_or_tag_list_of_links_on_source_lines_stays_apart() -> None:
    """Review: links with only white space between them are a list (share bar, tags, breadcrumb), not a
    sentence: joined, a share bar's labels (which the line rules may drop one by one) were one line."""
    share = _runs_page([*RUNS[:2], '<a href="https://facebook.com/s">Facebook</a>\n<a href="https://x.com/s">Twitter</a>'
                        '\n<a href="mailto:?s">Email</a>', *RUNS[2:]])
    tags = _runs_page([*RUNS[:3], '<a href="/t/1">Transport</a>\n<a href="/t/2">Council</a>\n<a href="/t/3">Buses</a>',
                       RUNS[3]])
    assert not any("Facebook" in line and "Twitter" in line for line in _lines(share))
    assert "Transport Council Buses" not in _lines(tags)


def test_a_story_nested_in_hundreds_of_inline_elements_is_read_once_not_once_a_level() -> None:
    """Review: each inline element's whole text was read to compare it with the loose lines; a story
    inside 200 nested `<span>`s (4,000 runs with a link each) was read 200 times (seconds)."""
    runs = [f"run {index} of a long story, told at length over many words and clauses, where "
            f"<a href='/t'>Pakistan</a>'s part is {index}<br>" for index in range(4000)]
    nested = "<span>" * 200 + "".join(runs) + "</span>" * 200
    page = lxml.html.fromstring(f"<html><body><div>{nested}</div></body></html>")
    body = _body("<p>run 0 of a long story, told at length over many words and clauses, where</p>"
                 "Pakistan<p>'s part is 0</p>")
    text = "run 0 of a long story, told at length over many words and clauses, where\nPakistan\n's part is 0"
    started = time.process_time()
    assert join_inline_splits(text, [body], page) == text.replace("\n", " ", 1).replace("\n", "")
    assert time.process_time() - started < 1
