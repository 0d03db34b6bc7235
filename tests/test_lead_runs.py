"""A description that is the story's first paragraphs, or all of it, is no missing lead (twenty-sixth text pass).

Some CMSs write the page's description as the start of the body joined into one string (a WordPress
excerpt, a news agency's "whole story" description), and show it on the page too. `restore_lead` put
it back as a first paragraph when no line or pair of lines held it: the story's opening, or the whole
story, was then in the text twice (docs/extraction.md, "Twenty-sixth pass, text"). Hand-written pages;
the guards are leads that are missing and must still be restored.
"""

from __future__ import annotations

import time
from html import escape

from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.refine import lead_in_text, restore_lead

URL = "https://news.example/2024/05/story"


def story_page(title: str, paragraphs: list[str], description: str, lang: str = "en") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)  # the source's line breaks: the page shows the excerpt
    return (f"<html lang='{lang}'><head><title>{escape(title)}</title>"
            f"<meta name='description' content='{escape(description, quote=True)}'>"
            f"<meta property='og:description' content='{escape(description, quote=True)}'></head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            f"<footer><p>Copyright 2024 Example Media</p></footer></body></html>")


def extracted_lines(html: str) -> list[str]:
    article = extract_article(html, URL)
    assert article is not None
    return article.text.split("\n")


def assert_each_paragraph_once(lines: list[str], paragraphs: list[str]) -> None:
    text = "\n".join(lines)
    for paragraph in paragraphs:
        assert text.count(paragraph[:40]) == 1, paragraph
    assert not any(len(line.split()) > 1.5 * max(len(p.split()) for p in paragraphs) for line in lines)


EN = [
    "The harbour board voted on Monday to close the old ferry pier for two years of repairs.",
    "Engineers found cracks in twelve of the pier's concrete piles during a survey in March.",
    "Ferries will dock at the cargo terminal in the meantime, the board said in a statement.",
    "Commuters who use the morning boats should expect delays of up to fifteen minutes at first, "
    "while a new walkway from the terminal to the bus station is built over the summer months.",
    "The repairs are expected to cost eleven million pounds, most of it from a regional fund.",
]

DE = [
    "Die Stadtwerke erhöhen zum ersten Juli die Preise für Fernwärme um durchschnittlich acht Prozent.",
    "Grund seien die gestiegenen Kosten für Gas und für den Ausbau des Netzes, teilte das Unternehmen mit.",
    "Ein Haushalt mit hundert Quadratmetern zahlt damit etwa neunzig Euro im Jahr mehr als bisher.",
    "Der Mieterverein kritisierte die Erhöhung und forderte eine Härtefallregelung für Geringverdiener.",
]

ES = [
    "El ayuntamiento abrirá el próximo lunes tres nuevas bibliotecas de barrio en la zona norte.",
    "Cada una tendrá sala de estudio, préstamo de libros y talleres gratuitos para niños y mayores.",
    "La inversión total asciende a cuatro millones de euros, según informó la concejala de Cultura.",
    "Las bibliotecas abrirán de lunes a sábado, de nueve de la mañana a nueve de la noche, "
    "y los domingos por la mañana durante el periodo de exámenes de la universidad.",
]

TL = [
    "Nagsimula na ang pamamahagi ng tulong sa mga pamilyang nasalanta ng baha sa tatlong bayan.",
    "Ayon sa tanggapan ng gobernador, mahigit limang libong pamilya ang makatatanggap ng bigas at gamot.",
    "Inaasahang matatapos ang pamamahagi bago matapos ang linggo kung hindi na uulan nang malakas.",
]


def test_an_excerpt_of_the_first_three_paragraphs_is_not_added_again() -> None:
    html = story_page("Old ferry pier to close for repairs", EN, " ".join(EN[:3]))
    assert_each_paragraph_once(extracted_lines(html), EN)


def test_a_description_that_is_the_whole_story_is_not_added_again_german() -> None:
    html = story_page("Fernwärme wird teurer", DE, " ".join(DE), "de")
    assert_each_paragraph_once(extracted_lines(html), DE)


def test_an_excerpt_of_the_opening_paragraphs_is_not_added_again_spanish() -> None:
    html = story_page("Tres nuevas bibliotecas de barrio", ES, " ".join(ES[:3]), "es")
    assert_each_paragraph_once(extracted_lines(html), ES)


def test_a_whole_short_story_as_description_is_not_added_again_tagalog() -> None:
    html = story_page("Tulong sa mga nasalanta ng baha", TL, " ".join(TL), "tl")
    assert_each_paragraph_once(extracted_lines(html), TL)


# Hostile guards: leads that are missing, which must still be restored.

def test_a_summary_in_other_words_is_still_restored() -> None:
    lead = "Commuters face two years of detours as cracked piles force the ferry pier to shut."
    body = "".join(f"<p>{p}</p>" for p in EN)
    html = (f"<html><head><title>Pier to close</title><meta name='description' content='{lead}'></head><body>"
            f"<article><h1>Pier to close</h1><p class='standfirst'>{lead}</p>{body}</article></body></html>")
    lines = extracted_lines(html)
    assert lines[0] == lead
    assert_each_paragraph_once(lines[1:], EN)


def test_a_lead_whose_words_short_lines_hold_in_another_order_is_still_restored() -> None:
    lead = "Council budget passes after night of debate in city hall"
    lines = ["City hall", "Debate of the night", "Budget passes council", "After the vote, members went home."]
    tree = load_html(f"<html><body><p class='lead'>{lead}</p>{''.join(f'<p>{x}</p>' for x in lines)}</body></html>")
    text = "\n".join(lines)
    assert not lead_in_text(lead, text)
    assert restore_lead(text, lead, tree) == f"{lead}\n{text}"


def test_a_lead_half_of_which_the_text_lacks_is_still_restored() -> None:
    lead = " ".join(EN[:2]) + " The board also named a new chair, the first woman in its hundred-year history."
    text = "\n".join(EN[:2])
    tree = load_html(f"<html><body><p class='lead'>{lead}</p>{''.join(f'<p>{x}</p>' for x in EN[:2])}</body></html>")
    assert restore_lead(text, lead, tree) == f"{lead}\n{text}"


def test_a_lead_spread_over_a_long_story_is_still_restored() -> None:
    # Every word of the lead is in the story's first lines, which run far longer than the lead.
    lead = "The harbour board voted on Monday to close the ferry pier."
    lines = ["The harbour board met for six hours.", "It voted on many things, among them a budget.",
             "On Monday it heard from engineers about the ferry pier and what to close first, "
             "in a long session that went on into the night with questions from the public."]
    tree = load_html(f"<html><body><p class='lead'>{lead}</p>{''.join(f'<p>{x}</p>' for x in lines)}</body></html>")
    text = "\n".join(lines)
    assert restore_lead(text, lead, tree) == f"{lead}\n{text}"


def test_lead_in_text_finds_a_lead_spread_over_three_lines_of_about_its_length() -> None:
    assert lead_in_text(" ".join(EN[:3]), "\n".join(EN))
    assert lead_in_text(" ".join(DE), "\n".join(DE))


# The second set: written before the rule, run once after it.

FR = [
    "La mairie a annoncé mardi la fermeture de la piscine municipale pendant tout l'été.",
    "Des fuites ont été découvertes dans le bassin principal lors d'une inspection en avril.",
    "Les travaux devraient durer trois mois et coûter près de deux millions d'euros.",
    "Les nageurs pourront se rendre à la piscine de la commune voisine, gratuitement.",
    "Une navette sera mise en place le mercredi et le samedi, au départ de la place du marché, "
    "pour les enfants inscrits aux cours de natation de l'école municipale.",
]

VI = [
    "Thành phố sẽ mở thêm ba tuyến xe buýt điện nối trung tâm với các khu công nghiệp từ tháng sau.",
    "Mỗi tuyến có mười hai xe, chạy từ năm giờ sáng đến mười giờ tối, giá vé không đổi.",
    "Sở Giao thông cho biết các tuyến mới sẽ giúp giảm ùn tắc vào giờ cao điểm ở cửa ngõ phía đông.",
]

PT = [
    "A prefeitura vai plantar dez mil árvores nas margens do rio até o fim do próximo ano.",
    "O projeto prevê espécies nativas e a participação de escolas e associações de moradores.",
    "Segundo a secretária de Meio Ambiente, a primeira etapa começa em setembro, no bairro do porto.",
    "O custo estimado é de dois milhões de reais, pagos por um fundo estadual de recuperação de rios.",
]


def test_second_set_french_excerpt_of_four_paragraphs() -> None:
    html = story_page("La piscine municipale fermée cet été", FR, " ".join(FR[:4]), "fr")
    assert_each_paragraph_once(extracted_lines(html), FR)


def test_second_set_vietnamese_whole_story() -> None:
    html = story_page("Ba tuyến xe buýt điện mới", VI, " ".join(VI), "vi")
    assert_each_paragraph_once(extracted_lines(html), VI)


def test_second_set_portuguese_story_in_divs() -> None:
    body = "\n".join(f"<div class='text'>{p}</div>" for p in PT)
    description = " ".join(PT[:3])
    html = (f"<html lang='pt'><head><title>Dez mil árvores</title><meta name='description' content='{description}'>"
            f"</head><body><article><h1>Dez mil árvores</h1>\n{body}\n</article></body></html>")
    assert_each_paragraph_once(extracted_lines(html), PT)


def test_a_long_description_over_thousands_of_short_lines_is_judged_in_linear_time() -> None:
    """Review: the rule's first form counted each run again from its first line, so a 2,000-word
    description over 5,000 lines of three words (a hostile page, or a list of tags) took 245 s of CPU in
    `lead_in_text`; the sliding window takes ~0.6 s there (main's single lines and pairs included).
    The bound is 20 times that, CPU not wall time."""
    words = [f"wort{i}" for i in range(3000)]
    lead = " ".join(words[(i * 7919) % 3000] for i in range(2000))
    lines = [" ".join(words[(i * 104729 + k) % 3000] for k in range(3)) for i in range(5000)]
    started = time.process_time()
    assert not lead_in_text(lead, "\n".join(lines))
    assert time.process_time() - started < 12.0
