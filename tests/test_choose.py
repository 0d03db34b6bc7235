"""Going back to trafilatura's own extraction when its cascade replaced a whole article (newsflow.choose)."""

from __future__ import annotations

from newsflow.choose import choose_extraction, is_whole_article
from newsflow.extract import extract_article

STORY = [
    "The city council approved the school budget on Tuesday night after a debate that lasted almost five hours.",
    "Teachers had filled the public gallery since the afternoon, many of them holding signs about class sizes.",
    "The plan adds two million euros for repairs to the roofs and heating systems of eleven primary schools.",
    "Opposition members said the money came from the road maintenance fund and would delay repairs for a year.",
    "The mayor answered that the worst roads had been fixed last summer and that schools could not wait longer.",
    "Parents from the northern district asked why their school, the oldest in the city, was not on the list.",
    "The head of the finance committee promised to look at the northern school again before the spring session.",
    "A motion to cut the budget for the new library downtown by half was rejected by twenty votes to nine.",
    "The library, planned since 2019, will open in two years on the site of the former bus station by the river.",
    "Unions welcomed the vote but warned that the staff needed for the repaired schools had not been budgeted.",
    "The council will publish the full budget, with the list of schools and the timetable, on its website.",
    "Work on the first three schools is to start in the summer holidays, so that no classes have to move.",
    "The regional government, which pays half of the cost of school buildings, still has to approve the plan.",
    "Its education minister said in a statement that she expected to sign the agreement within a month.",
    "The next council meeting, on the future of the bus station site and the new cycle lanes, is in March.",
]
TICKER_TOPICS = ["harbour", "ferries", "weather", "football", "markets", "theatre", "trains", "hospital"]


def ticker_item(number: int) -> str:
    topic = TICKER_TOPICS[number % len(TICKER_TOPICS)]
    return (
        f"Live update {number}: our reporters follow the {topic} story through the day, with pictures, "
        f"reactions from readers and the latest statements from officials about what happens next."
    )


def article_page(paragraphs: list[str], ticker_items: int = 60) -> str:
    """A news page: the article in its container, then a live ticker in a sidebar, about five times longer."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    ticker = "".join(f"<div><p>{ticker_item(n)}</p></div>" for n in range(ticker_items))
    return (
        "<html><head><title>Council approves school budget</title></head><body><main><div class='content'>"
        f"<h1>Council approves school budget</h1><div class='article-body'>{body}</div>"
        f"<div class='sidebar'>{ticker}</div></div></main></body></html>"
    )


def text_of(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def test_a_whole_article_replaced_by_a_much_larger_container_comes_back() -> None:
    own = text_of(STORY * 2)
    final = text_of(STORY * 2 + [ticker_item(n) for n in range(40)])
    assert choose_extraction(final, own, readability=own) == own
    assert choose_extraction(final, own, readability=None) == own


def test_a_stub_replaced_by_the_cascade_stays_replaced() -> None:
    stub = text_of(STORY[:3])  # a teaser: three paragraphs, about 55 words
    final = text_of(STORY * 2 + [ticker_item(n) for n in range(40)])
    assert not is_whole_article(stub)
    assert choose_extraction(final, stub, readability=None) == final


def test_a_replacement_that_only_adds_a_little_stays() -> None:
    own = text_of(STORY * 2)
    final = text_of(STORY * 2 + STORY[:5])  # 1.2 times as long: the retry found missing paragraphs
    assert choose_extraction(final, own, readability=None) == final


def test_a_replacement_that_readability_confirms_stays() -> None:
    own = text_of(STORY * 2)
    final = text_of(STORY * 2 + [ticker_item(n) for n in range(40)])
    assert choose_extraction(final, own, readability=final.replace("\n", " ")) == final


def test_without_an_own_extraction_the_final_text_is_kept() -> None:
    assert choose_extraction("final text", None, None) == "final text"


def test_the_article_not_the_sidebar_ticker_is_extracted() -> None:
    # trafilatura's own extraction finds the article; its recall retry, since the article covers
    # under 20% of the page's text, takes the sidebar ticker too. newsflow keeps the article.
    article = extract_article(article_page(STORY), "https://example.test/council-budget")
    assert article is not None
    assert article.text.split("\n") == STORY
