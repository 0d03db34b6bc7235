"""Whether a refetched page may replace a stored article's text ("Updates 58", its review's finding 1).

A refetch answered 200 is not always the story updated: a consent wall, a soft-404, an error page, a redirect to the
home page, a paywall teaser, a captive portal's login page or a page in another language all extract to a text. Such
a text replaced the stored one, in `articles`, search and stories. A refetch's page is taken only when it is the same
story, better or equal; otherwise its try is `rejected` with the reason, and nothing of the article changes.
"""

from __future__ import annotations

from newsflow.models import Article
from newsflow.text import token_f1
from newsflow.urls import canonicalize_url

REJECTED = "rejected"  # article_refetches.outcome of a page answered but not taken: no version, the kept page kept
MIN_WORD_SHARE = 0.5  # the new text keeps at least half the old one's words: a teaser or a wall is far shorter
# Bag-of-tokens F1 of the new text against the old. Hand-edited updates of corpus pages (a correction, a paragraph
# added, an "Update:" of three paragraphs, a third of the sentences rewritten) score 0.71-0.99; the review's
# hostile pages (consent wall, soft-404, error, home page, another language) 0.00-0.33 (docs/search.md, Updates 58).
MIN_TOKEN_F1 = 0.5


def rejection(canonical_url: str, url: str, old_text: str, old_words: int, old_language: str | None,
              final_url: str, article: Article) -> str | None:
    """Why the refetched `article` (served from `final_url`) is not the stored one's story updated, or None."""
    own = {canonical_url, canonicalize_url(url)}
    if canonicalize_url(final_url) not in own:
        return f"moved: the page was served from {final_url}"
    if article.canonical_url not in own:
        return f"canonical: the page names {article.canonical_url}"
    if old_language and article.language and article.language != old_language:
        return f"language: {article.language}, was {old_language}"
    if article.word_count < MIN_WORD_SHARE * old_words:
        return f"shorter: {article.word_count} words, was {old_words}"
    if (f1 := token_f1(article.text, old_text)) < MIN_TOKEN_F1:
        return f"another text: token F1 {f1:.2f} with the stored one"
    return None
