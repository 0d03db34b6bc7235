"""Pictures' captions and credits that stay in the text as story lines (`newsflow.captions`): dropped when
readability-lxml's output shows them only inside a caption's element, named by its class or a
`<figcaption>`, never by their wording. Hand-written pages (the fifteenth text pass's forms: a French
`p.legende` with a `copyright` block, a German `span.bildunterschrift` beside its credit); both end
main's text before this rule (eighteenth text pass)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsflow.captions import blocks_outside, drop_caption_lines, summary_captions
from newsflow.extract import extract_article, page_tree
from newsflow.text import normalize_text

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


def _page(first: str, second: str) -> str:
    paragraphs = [f"<p>{line}</p>" for line in BODY]
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


def _summary(inner: str) -> object:
    """A tree shaped as readability-lxml's output: the story's container and its blocks."""
    return page_tree(f"<html><body><div>{inner}</div></body></html>").find("body/div")


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


def test_a_caption_that_repeats_a_story_paragraph_stays() -> None:
    summary = _summary(
        "".join(f"<p>{line}</p>" for line in BODY)
        + f"<div class='photo'><img src='a.jpg'><p class='legende'>{BODY[3]}</p></div>"
    )
    text = "\n".join(BODY)
    assert drop_caption_lines(text, summary) == text


def test_the_first_line_stays_even_in_a_caption() -> None:
    # a lead set in the hero picture's caption is the story's first line, not furniture
    summary = _summary(f"<figure><img src='h.jpg'><figcaption>{CAPTION}</figcaption></figure>"
                       + "".join(f"<p>{line}</p>" for line in BODY))
    text = "\n".join((CAPTION, *BODY))
    assert drop_caption_lines(text, summary) == text


def test_a_gallery_whose_captions_are_its_content_keeps_them() -> None:
    captions = [f"Costume number {n}: a striped shirt, a beanie and round glasses are all you need." for n in range(6)]
    summary = _summary(f"<p>{BODY[0]}</p>" + "".join(
        f"<div class='slide'><img src='{n}.jpg'><p class='caption'>{caption}</p></div>"
        for n, caption in enumerate(captions)
    ))
    text = "\n".join((BODY[0], *captions))
    assert drop_caption_lines(text, summary) == text


def test_a_long_block_named_credits_is_no_caption() -> None:
    credits = " ".join(BODY * 2)  # a film's credits or a whole card: over CAPTION_MAX_WORDS words
    summary = _summary(f"<p>{BODY[0]}</p><div class='credits'>{credits}</div>")
    assert summary_captions(summary)[0] == []


def test_a_class_that_only_contains_the_letters_names_nothing() -> None:
    # "hasCaption" (a header that holds a caption somewhere) and "accredited" are no caption's names
    summary = _summary(f"<div class='articleHeader hasCaption'><p>{BODY[1]}</p><img src='a.jpg'></div>"
                       f"<p class='accredited'>{BODY[2]}</p>")
    assert summary_captions(summary)[0] == []
    assert blocks_outside(summary, []) == [BODY[1], BODY[2]]


def test_a_story_paragraph_beside_a_picture_is_no_credit() -> None:
    # the wrapper is read with its caption only when it adds a credit's few words
    summary = _summary(f"<div><img src='a.jpg'><p class='caption'>{CAPTION}</p><p>{BODY[1]}</p></div>")
    assert summary_captions(summary)[0] == [CAPTION]


LINES = st.lists(st.sampled_from((*BODY, CAPTION, SECOND_CAPTION, "Jan Example / Harbour News")), min_size=1,
                 max_size=8)


@given(LINES, st.lists(st.sampled_from((CAPTION, SECOND_CAPTION, BODY[2])), max_size=3))
def test_only_lines_go_and_the_text_stays_in_normal_form(lines: list[str], captioned: list[str]) -> None:
    text = normalize_text("\n".join(lines))
    summary = _summary("".join(f"<p>{line}</p>" for line in BODY)
                       + "".join(f"<div><img src='x.jpg'><figcaption>{c}</figcaption></div>" for c in captioned))
    result = drop_caption_lines(text, summary)
    kept = result.split("\n")
    assert normalize_text(result) == result
    assert kept[0] == text.split("\n")[0]
    remaining = iter(text.split("\n"))
    assert all(line in remaining for line in kept)  # a subsequence: lines only removed, order kept
    assert all(line in kept for line in text.split("\n") if line in BODY)  # story paragraphs never go


def test_a_caption_in_a_gallery_item_goes_and_a_list_item_of_the_story_stays() -> None:
    # a list item that holds a picture and its caption is searched like any container; one that holds
    # only text is a block of the story, where a caption's line shows besides
    summary = _summary("".join(f"<p>{line}</p>" for line in BODY[:3])
                       + f"<ul><li><img src='a.jpg'><p class='caption'>{CAPTION}</p></li></ul>")
    text = "\n".join((*BODY[:2], CAPTION, BODY[2]))
    assert drop_caption_lines(text, summary) == "\n".join(BODY[:3])
    figure = f"<figure><img src='a.jpg'><figcaption>{CAPTION}</figcaption></figure>"
    summary = _summary("".join(f"<p>{line}</p>" for line in BODY[:3]) + f"<ul><li>{CAPTION}</li></ul>{figure}")
    assert drop_caption_lines(text, summary) == text


def test_story_paragraphs_in_a_caption_named_wrapper_are_kept() -> None:
    """review: a `div.legend` wrapping two of the story's paragraphs is no caption (the second one was dropped)."""
    paragraphs = [
        "The council voted on Tuesday to approve the new budget for the coming fiscal year after a long debate.",
        "Opponents said the plan would raise taxes for families already struggling with the cost of living.",
        "The mayor defended the measure, saying it was the only way to keep the city's services running smoothly.",
        "A final vote is expected next month, when the full council meets again in the town hall chamber.",
        "Residents can comment on the proposal online until the end of the month, officials said on Wednesday.",
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    wrapped = body.replace("<p>", "<div class='legend'><p>", 1).replace("</p>", "</p>", 2)
    wrapped = wrapped.replace(f"{paragraphs[1]}</p>", f"{paragraphs[1]}</p></div>", 1)
    html = (
        "<html><head><title>Council approves budget</title></head><body><article>"
        f"<h1>Council approves budget</h1>{wrapped}</article></body></html>"
    )
    article = extract_article(html, "https://example.com/news/2026/council-budget")
    assert article is not None
    assert article.text.split("\n") == paragraphs
