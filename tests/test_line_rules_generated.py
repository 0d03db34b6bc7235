"""Twenty-fourth pass: the inline-split join (`newsflow.inlinesplits`) together with the other line rules
(marked lines, furniture lines, captions), on pages a seeded generator writes (docs/extraction.md,
"Twenty-fourth pass, text").

Each page is a story of four to six paragraphs in English, German or Spanish, each paragraph two or three
sentences no other paragraph shares, with links, `<strong>` and `<em>` inside them, in one of three
layouts: the Times of India's (text runs in one `<div>`, `<br>` between paragraphs, a widget inside), a
source that wraps each paragraph over lines and sets its inline elements on lines of their own (a `<br>`
before `</p>`), and plain `<p>`s. Around and between the paragraphs stand the furniture the other rules
drop: a byline, a photo credit, an ad label, a picture with its caption, a "Read more" link and a browser's
banner. Whatever the rules keep or drop of that furniture, three things hold for the story: the text is in
normal form (one paragraph a line, no blank line), every story sentence is in it exactly once, and a
paragraph's sentences share one line that holds no other paragraph's sentence and no furniture."""

from __future__ import annotations

import random
from dataclasses import dataclass

import lxml.html
import pytest

from newsflow.extract import extract_article
from newsflow.inlinesplits import join_inline_splits
from newsflow.text import normalize_text

SUBJECTS = {
    "en": ["The city council", "A spokesman for the ministry", "The regional hospital", "Local farmers",
           "The harbour authority", "Several residents", "The school board", "The transport minister"],
    "de": ["Der Stadtrat", "Eine Sprecherin des Ministeriums", "Das Kreiskrankenhaus", "Die Landwirte der Region",
           "Die Hafenbehörde", "Mehrere Anwohner", "Der Schulausschuss", "Der Verkehrsminister"],
    "es": ["El ayuntamiento", "Un portavoz del ministerio", "El hospital comarcal", "Los agricultores de la zona",
           "La autoridad portuaria", "Varios vecinos", "El consejo escolar", "El ministro de Transportes"],
}
VERBS = {
    "en": ["said on {day} that", "warned on {day} that", "confirmed on {day} that", "argued on {day} that"],
    "de": ["sagte am {day}, dass", "warnte am {day}, dass", "bestätigte am {day}, dass", "erklärte am {day}, dass"],
    "es": ["dijo el {day} que", "advirtió el {day} que", "confirmó el {day} que", "explicó el {day} que"],
}
DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
}
CLAUSES = {
    "en": ["the new bus routes would cost {n} million pounds over the next five years",
           "about {n} families had asked for help with their heating bills this winter",
           "the repairs to the old bridge would take at least {n} more weeks to finish",
           "{n} new teachers would be hired before the start of the autumn term",
           "the price of grain had risen by {n} percent since the beginning of the season"],
    "de": ["die neuen Buslinien in den nächsten fünf Jahren {n} Millionen Euro kosten würden",
           "rund {n} Familien in diesem Winter um Hilfe bei den Heizkosten gebeten hätten",
           "die Reparatur der alten Brücke noch mindestens {n} Wochen dauern werde",
           "vor Beginn des Herbstsemesters {n} neue Lehrkräfte eingestellt würden",
           "der Getreidepreis seit Beginn der Saison um {n} Prozent gestiegen sei"],
    "es": ["las nuevas líneas de autobús costarían {n} millones de euros en los próximos cinco años",
           "unas {n} familias habían pedido ayuda para pagar la calefacción este invierno",
           "la reparación del viejo puente duraría al menos {n} semanas más",
           "se contratarían {n} nuevos profesores antes del comienzo del curso",
           "el precio del cereal había subido un {n} por ciento desde el inicio de la temporada"],
}
TITLES = {"en": "Council approves the new bus routes for the town",
          "de": "Stadtrat beschließt neue Buslinien für die Stadt",
          "es": "El ayuntamiento aprueba las nuevas líneas de autobús"}
FURNITURE = {
    "byline": "By Jane Carter",
    "credit": "Photo: Reuters",
    "ad": "Advertisement",
    "read_more": '<a href="https://example.com/news/older-story">Read more: Council delays the vote on bus fares</a>',
    "banner": "You are using an outdated browser. Please upgrade your browser to improve your experience.",
}
CAPTION = "Buses wait at the depot on the edge of the town centre"


@dataclass(frozen=True)
class GeneratedPage:
    html: str
    paragraphs: list[list[str]]
    """The story's sentences, paragraph by paragraph, as a reader sees them."""
    furniture: list[str]
    """The visible text of every piece of furniture on the page."""


def _sentences(rng: random.Random, lang: str, count: int) -> list[str]:
    """`count` distinct sentences; a number no other sentence has makes each one findable on its own."""
    numbers = rng.sample(range(11, 999), count)
    return [f"{rng.choice(SUBJECTS[lang])} {rng.choice(VERBS[lang]).format(day=rng.choice(DAYS[lang]))} "
            f"{rng.choice(CLAUSES[lang]).format(n=number)}." for number in numbers]


def _marked_up(rng: random.Random, sentence: str, index: int) -> str:
    """The sentence with one inline element around a run of two or three of its words (or none)."""
    words = sentence.split(" ")
    kind = rng.choice(["a", "strong", "em", "b", "a>strong", None])
    if kind is None or len(words) < 6:
        return sentence
    start = rng.randrange(0, len(words) - 3)
    end = start + rng.choice([2, 3])
    inner = " ".join(words[start:end])
    if kind == "a>strong":  # a link round an emphasis: one inline element inside another
        inner, kind = f"<strong>{inner}</strong>", "a"
    opening = f'<a href="https://example.com/topic/t{index}">' if kind == "a" else f"<{kind}>"
    return " ".join([*words[:start], f"{opening}{inner}</{kind}>", *words[end:]])


def _wrapped(source: str) -> str:
    """A paragraph's source as some editors write it: inline elements on source lines of their own."""
    for tag in ("<a ", "<strong>", "<em>"):
        source = source.replace(" " + tag, "\n        " + tag)
    return source.replace("</a> ", "</a>\n        ").replace("</strong> ", "</strong>\n        ").replace(
        "</em> ", "</em>\n        ")


def generated_page(seed: int) -> GeneratedPage:
    rng = random.Random(seed)
    lang = rng.choice(["en", "de", "es"])
    layout = rng.choice(["runs", "wrapped", "plain"])
    sizes = [rng.choice([2, 3]) for _ in range(rng.randint(4, 6))]
    sentences = _sentences(rng, lang, sum(sizes))
    paragraphs, start = [], 0
    for size in sizes:
        paragraphs.append(sentences[start:start + size])
        start += size
    sources = [" ".join(_marked_up(rng, sentence, index * 10 + position) for position, sentence in enumerate(p))
               for index, p in enumerate(paragraphs)]
    pieces = rng.sample(list(FURNITURE), rng.randint(1, 4))
    html = _layout(rng, layout, sources, pieces)
    furniture = [FURNITURE[piece] if piece != "read_more" else "Read more: Council delays the vote on bus fares"
                 for piece in pieces]
    document = (f'<html lang="{lang}"><head><title>{TITLES[lang]}</title></head><body>'
                f'<div class="Xq3kP"><h1>{TITLES[lang]}</h1>{html}</div><footer>Contact us</footer></body></html>')
    return GeneratedPage(document, paragraphs, [*furniture, CAPTION])


def _layout(rng: random.Random, layout: str, sources: list[str], pieces: list[str]) -> str:
    figure = f'<figure><img src="/img/depot.jpg" alt=""><figcaption>{CAPTION}</figcaption></figure>'
    furniture = [f"<p>{FURNITURE[piece]}</p>" for piece in pieces]
    if layout == "runs":  # furniture above the story, or as runs of its own between the story's
        runs = [*sources[:2], '<div id="poll"><span>Vote now</span></div>', *sources[2:]]
        above = [block for block in furniture if rng.random() < 0.5]
        for block in furniture:
            if block not in above:
                runs.insert(rng.randrange(1, len(runs) + 1), block[3:-4])
        body = "<br/>".join(runs).replace('<br/><div id="poll">', '<div id="poll">').replace("</div><br/>", "</div>")
        return f'{"".join(above)}{figure}<div class="_s30J clearfix">{body}</div>'
    blocks = [f"<p>\n    {_wrapped(source)}\n  <br>\n</p>\n" if layout == "wrapped" else f"<p>{source}</p>"
              for source in sources]
    for block in furniture:
        blocks.insert(rng.randrange(0, len(blocks) + 1), block)
    blocks.insert(rng.randrange(1, len(blocks) + 1), figure)
    return f'<article>{"".join(blocks)}</article>'


def _story_lines(seed: int) -> tuple[GeneratedPage, list[str]]:
    page = generated_page(seed)
    article = extract_article(page.html, f"https://example.com/news/story-{seed}")
    assert article is not None
    return page, article.text.split("\n")


@pytest.mark.parametrize("seed", range(60))
def test_every_story_sentence_once_and_one_paragraph_a_line_among_the_line_rules(seed: int) -> None:
    page, lines = _story_lines(seed)
    text = "\n".join(lines)
    assert text == normalize_text(text) and all(lines)
    for paragraph in page.paragraphs:
        for sentence in paragraph:
            assert text.count(sentence) == 1, (sentence, text)
        holding = [line for line in lines if paragraph[0] in line]
        assert all(sentence in holding[0] for sentence in paragraph), (paragraph, holding)
        others = [s for p in page.paragraphs if p is not paragraph for s in p]
        assert not any(sentence in holding[0] for sentence in others), holding[0]
        assert not any(piece in holding[0] for piece in page.furniture), holding[0]


# Shrunk from the generator (seeds 23 and 29 failed on d8305f6): one paragraph shows the same inline text
# twice, and the text after its first place opens the text after its second ("dass die" + "neuen
# Buslinien ...", or a name and a possessive before the next link). The join took the first place's run,
# which matched only the line below, and left the paragraph split before the second place.

def _runs_page(lang: str, title: str, runs: list[str]) -> str:
    body = "<br/>".join(runs[:2]) + '<div id="poll"><span>Vote now</span></div>' + "<br/>".join(runs[2:])
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body><div class="Xq3kP">'
            f'<h1>{title}</h1><div class="_s30J clearfix">{body}</div></div></body></html>')


REPEATED = {
    "en": ("Pakistan's courts and army face new questions", [
        "ISLAMABAD: Officials said on Tuesday that the new rules for online platforms would be published before the"
        " end of the month, after weeks of consultations with the industry.",
        "Lawyers said the draft gave the authorities wide powers to block accounts without a court order, and that"
        " several cases were already waiting to be heard.",
        'Supporters said <a href="/t/pk">Pakistan</a>\'s <a href="/t/army">army</a> had acted within the law this'
        ' year. Critics said <a href="/t/pk">Pakistan</a>\'s <a href="/t/courts">courts</a> had not been asked at all'
        " before the platforms were slowed down across the country.",
        "The ministry did not answer questions about when the restrictions would be lifted or how many users had"
        " been affected by them so far.",
    ]),
    "de": ("Neue Buslinien kosten mehr als geplant", [
        "BERLIN: Die Stadt hat am Dienstag die Pläne für die neuen Buslinien vorgestellt, die ab dem kommenden Jahr"
        " die äußeren Stadtteile besser an die Innenstadt anbinden sollen.",
        "Nach Angaben der Verwaltung sollen die Busse in den Hauptverkehrszeiten alle zehn Minuten fahren und"
        " abends bis Mitternacht unterwegs sein.",
        'Die Sprecherin sagte am Montag, <a href="/t/1">dass die</a> neuen Buslinien in den nächsten fünf Jahren'
        ' mehr kosten würden als geplant. Der Kämmerer sagte am Dienstag, <a href="/t/2">dass die</a> neuen'
        " Buslinien in den nächsten fünf Jahren trotzdem bezahlt werden könnten.",
        "Die Opposition forderte, die Kosten vor der Abstimmung im Stadtrat noch einmal von unabhängiger Seite"
        " prüfen zu lassen.",
    ]),
    "es": ("El ayuntamiento pide ayuda para la calefacción", [
        "SEVILLA: El ayuntamiento anunció el lunes un nuevo programa de ayudas para las familias que no pueden"
        " pagar la calefacción durante los meses más fríos del año.",
        "Según los servicios sociales, las solicitudes se podrán presentar a partir de la próxima semana en"
        " cualquiera de las oficinas municipales de los distritos.",
        'Lo anunció <a href="/t/alcaldesa">la alcaldesa</a> de <a href="/t/sevilla">Sevilla</a> en un pleno'
        ' extraordinario, y lo repitió <a href="/t/alcaldesa">la alcaldesa</a> de <a href="/t/cadiz">Cádiz</a>'
        " al presentar un programa parecido para su ciudad.",
        "La oposición pidió que el programa se amplíe también a los pequeños comercios del centro histórico.",
    ]),
}


@pytest.mark.parametrize("lang", sorted(REPEATED))
def test_a_paragraph_showing_one_inline_text_twice_is_one_line(lang: str) -> None:
    title, runs = REPEATED[lang]
    article = extract_article(_runs_page(lang, title, runs), "https://example.com/news/story-1")
    assert article is not None
    lines = article.text.split("\n")
    opening = " ".join(runs[2].split(" ")[:2])
    holding = [line for line in lines if line.startswith(opening)]
    assert len(holding) == 1 and holding[0].endswith(runs[2][-30:]), lines
    assert all(lines) and article.text == normalize_text(article.text)


# Shrunk from the generator (seed 52 of 400 failed with the first fix): the story's first run opens with an
# inline element that is the div's first child. trafilatura holds its text as the div's own text, not as a
# block's tail, so it was no candidate for the join, and the paragraph's first words stood on a line alone.

OPENINGS = {
    "en": ("<strong>The regional hospital</strong> said on Monday that it would open a second emergency ward before"
           " the winter, after waiting times rose for the third year in a row."),
    "de": ('<a href="/t/klinik">Das Kreiskrankenhaus</a> hat am Montag angekündigt, noch vor dem Winter eine zweite'
           " Notaufnahme zu eröffnen, nachdem die Wartezeiten zum dritten Mal in Folge gestiegen sind."),
    "es": ("<em>El hospital comarcal</em> anunció el lunes que abrirá una segunda sala de urgencias antes del"
           " invierno, después de que las esperas aumentaran por tercer año consecutivo."),
}


@pytest.mark.parametrize("lang", sorted(OPENINGS))
def test_a_story_whose_first_run_opens_with_an_inline_element_keeps_it_on_its_line(lang: str) -> None:
    title, runs = REPEATED[lang]
    article = extract_article(_runs_page(lang, title, [OPENINGS[lang], *runs[1:]]), "https://example.com/news/1")
    assert article is not None
    first = article.text.split("\n")[0]
    opening = OPENINGS[lang].split(">")[1].split("<")[0]
    assert first.startswith(opening + " ") and first.endswith(OPENINGS[lang][-25:]), article.text


def test_a_containers_own_text_shown_elsewhere_as_a_link_inside_other_text_stays_a_line() -> None:
    """A guard: a kicker "Pakistan" that trafilatura holds as its container's own text, and that the page also
    shows as a link inside another paragraph: the text around that link is not the kicker's neighbours."""
    text = "Pakistan\nThe first paragraph of the story begins here and goes on.\nThe next paragraph begins here."
    body = lxml.html.fragment_fromstring(
        "<div>Pakistan<p>The first paragraph of the story begins here and goes on.</p>"
        "<p>The next paragraph begins here.</p></div>")
    page = lxml.html.fromstring(
        "<html><body><div class='kicker'>Pakistan</div><p>The first paragraph of the story begins here and goes"
        " on.</p><p>Officials visited <a href='/t/pk'>Pakistan</a> last week for talks.</p></body></html>")
    assert join_inline_splits(text, [body], page) == text


@pytest.mark.xfail(strict=True, reason="left (docs/extraction.md, twenty-fourth pass): trafilatura drops the <br>"
                   " between two links of a run and glues their texts, and the marked-line rule then drops the"
                   " glued line with the story's first words in it")
def test_a_story_run_opening_with_a_link_right_after_a_read_more_link_keeps_its_first_words() -> None:
    """Shrunk from the generator (seed 101 of 400, with furniture set as runs of their own)."""
    title, runs = REPEATED["es"]
    runs = [*runs[:3], '<a href="/news/older">Read more: Council delays the vote on bus fares</a>',
            '<a href="/t/portavoz">Un portavoz del</a> ministerio confirmó el miércoles que se contratarían 228 nuevos'
            " profesores antes del comienzo del curso en los colegios de la ciudad."]
    article = extract_article(_runs_page("es", title, runs), "https://example.com/news/story-1")
    assert article is not None
    assert "Un portavoz del ministerio confirmó el miércoles" in article.text
