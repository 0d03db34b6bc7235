"""Pictures' captions and credits that trafilatura keeps as story lines (`newsflow.captions`): dropped
when the page shows them only as captions, by their structure, never by their wording. Hand-written
pages; the forms are the fifteenth text pass's (a French `p.legende`, a German `span.bildunterschrift`
beside a credit, a `media__description` beside a `media__copyright`)."""

from __future__ import annotations

from newsflow.captions import drop_caption_lines
from newsflow.extract import extract_article, page_tree

BODY = (
    "The harbour authority opened the new ferry terminal on Monday after three years of building on the east pier.",
    "Passengers will be able to board from two gates, and the old terminal will close at the end of the month.",
    "The project cost 40 million euros, ten million more than planned, because the foundations had to be dug deeper.",
    "Local traders welcomed the opening and said they hoped more visitors would come to the old town in the summer.",
    "The first ferry left at seven in the morning with about two hundred passengers and a dozen cars on board.",
    "The authority plans to add a third gate in two years if the number of passengers keeps growing as expected.",
)
CAPTION = "The new terminal seen from the water on Monday morning."
SECOND_CAPTION = "Passengers wait at the second gate before boarding."
URL = "https://harbour.example/news/ferry-terminal"


def _page(first: str, second: str, *, body: tuple[str, ...] = BODY) -> str:
    paragraphs = [f"<p>{line}</p>" for line in body]
    paragraphs.insert(2, first)
    paragraphs.insert(5, second)
    return (
        "<html><head><title>New ferry terminal opens | Harbour News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/port'>Port</a></nav>"
        f"<article><h1>New ferry terminal opens</h1><div class='article-body'>{''.join(paragraphs)}</div></article>"
        "<footer><p>Harbour News, the port's paper since 1901</p></footer></body></html>"
    )


def _text(page: str) -> str:
    article = extract_article(page, URL)
    assert article is not None
    return article.text


def test_a_french_legende_and_its_credit_leave_the_story() -> None:
    text = _text(
        _page(
            f"<div class='photo'><img src='a.jpg'><p class='legende'>{CAPTION}</p></div>",
            f"<div class='photo'><img src='b.jpg'><p class='legende'>{SECOND_CAPTION}</p>"
            "<p class='copyright'>Jan Example / Harbour News</p></div>",
        )
    )
    assert text.split("\n") == list(BODY)


def test_a_german_caption_with_its_credit_beside_it_leaves_the_story() -> None:
    text = _text(
        _page(
            f"<div class='bild'><img src='a.jpg'><span class='bildunterschrift'>{CAPTION}</span></div>",
            f"<div class='bild'><img src='b.jpg'><span class='bildunterschrift'>{SECOND_CAPTION}</span> "
            "<span class='bildquelle'>Foto: Jan Example</span></div>",
        )
    )
    assert text.split("\n") == list(BODY)


def test_a_media_description_beside_its_copyright_leaves_the_story() -> None:
    def media(caption: str, source: str) -> str:
        return (
            f"<article class='media media-image'><img src='{source}'><section class='media__description-copyright'>"
            f"<div class='media__description'><p>{caption}</p></div><div class='media__copyright'>Eva Example</div>"
            "</section></article>"
        )

    assert _text(_page(media(CAPTION, "a.jpg"), media(SECOND_CAPTION, "b.jpg"))).split("\n") == list(BODY)


def test_a_caption_that_repeats_a_story_sentence_stays() -> None:
    # the page shows the sentence as a paragraph of the story too: the line is the story's
    text = "\n".join(BODY)
    tree = page_tree(_page(f"<div class='photo'><img src='a.jpg'><p class='legende'>{BODY[3]}</p></div>", ""))
    assert drop_caption_lines(text, tree) == text


def test_the_first_line_stays_even_in_a_caption() -> None:
    # a lead set in the hero picture's caption is the story's first line, not furniture
    text = "\n".join((CAPTION, *BODY))
    tree = page_tree(
        _page("", "").replace(
            "<h1>New ferry terminal opens</h1>",
            f"<h1>New ferry terminal opens</h1><figure><img src='h.jpg'><figcaption>{CAPTION}</figcaption></figure>",
        )
    )
    assert drop_caption_lines(text, tree) == text


def test_a_gallery_whose_captions_are_its_content_keeps_them() -> None:
    captions = [f"Costume number {n}: a striped shirt, a beanie and round glasses are all you need." for n in range(6)]
    cards = "".join(
        f"<div class='slide'><img src='{n}.jpg'><p class='caption'>{caption}</p></div>"
        for n, caption in enumerate(captions)
    )
    page = f"<html><body><h1>Easy costumes</h1><p>{BODY[0]}</p>{cards}</body></html>"
    text = "\n".join((BODY[0], *captions))
    assert drop_caption_lines(text, page_tree(page)) == text


def test_a_long_block_named_credits_is_no_caption() -> None:
    credits = " ".join(BODY)  # a film's credits or a whole card: over CAPTION_MAX_WORDS words
    page = f"<html><body><h1>Ferry</h1><p>{BODY[0]}</p><div class='credits'>{credits}</div></body></html>"
    text = "\n".join((BODY[0], *BODY[1:]))
    assert drop_caption_lines(text, page_tree(page)) == text


def test_a_class_that_only_contains_the_letters_names_nothing() -> None:
    # "hasCaption" (a header that holds a caption somewhere) and "accredited" are no caption's names
    text = "\n".join(BODY)
    page = (
        f"<html><body><h1>Ferry</h1><p>{BODY[0]}</p><div class='articleHeader hasCaption'><h2>{BODY[1]}</h2>"
        f"<img src='a.jpg'></div><p class='accredited'>{BODY[2]}</p>"
        + "".join(f"<p>{line}</p>" for line in BODY[3:])
        + "</body></html>"
    )
    assert drop_caption_lines(text, page_tree(page)) == text


def test_a_paragraph_that_holds_a_picture_and_its_caption_keeps_its_own_words() -> None:
    # WordPress puts the figure inside the story's <p>: the paragraph is no picture's wrapper
    page = (
        f"<html><body><h1>Ferry</h1><p>{BODY[0]}</p><p><figure class='wp-caption'><img src='a.jpg'>"
        f"<figcaption class='wp-caption-text'>{CAPTION}</figcaption></figure> {BODY[1]}</p>"
        + "".join(f"<p>{line}</p>" for line in BODY[2:])
        + "</body></html>"
    )
    text = "\n".join(BODY)
    assert drop_caption_lines(text, page_tree(page)) == text
    assert drop_caption_lines("\n".join((BODY[0], CAPTION, *BODY[1:])), page_tree(page)) == text


def test_a_page_of_many_thousand_captions_is_read_in_linear_time() -> None:
    """A bounded input: captions nested in captions were deduplicated pairwise (quadratic in their number;
    20,000 distinct ones took minutes). Now ancestors are looked up in a set: the call must come back."""
    figures = "".join(
        f"<div class='caption'><span class='credit'>Credit number {n}</span> Picture number {n} of the harbour</div>"
        for n in range(20_000)
    )
    page = f"<html><body><h1>Ferry</h1>{''.join(f'<p>{line}</p>' for line in BODY)}{figures}</body></html>"
    text = "\n".join((*BODY, "Credit number 19999 Picture number 19999 of the harbour"))
    assert drop_caption_lines(text, page_tree(page)) == "\n".join(BODY)


def test_a_hero_caption_beside_the_story_body_leaves_it() -> None:
    # the sixteenth pass searches the story's region only: the body's element widened by one level
    # takes the hero picture's caption, which sits beside the body, not in it
    body = "".join(f"<p>{line}</p>" for line in BODY)
    page = (
        "<html><body><nav><a href='/'>Home</a></nav><article><h1>New ferry terminal opens</h1><div class='story'>"
        f"<figure><img src='h.jpg'><figcaption>{CAPTION}</figcaption></figure>"
        f"<div class='article-body'>{body}</div></div></article></body></html>"
    )
    text = "\n".join((BODY[0], CAPTION, *BODY[1:]))
    assert drop_caption_lines(text, page_tree(page)) == "\n".join(BODY)
