"""Whether a link names an author rather than another story (fortieth pass, docs/extraction.md): a byline's bare
`<div>` links its author by three or more words ("By Anna Maria Writer") beside the story's `<time>`, the shape of a
teaser card (`teasercards._dated_teaser`); directly above three bare related cards it was the first of a run of four,
a teaser, and its day no byline's."""

from __future__ import annotations

import re
from typing import Any

from newsflow.authorcues import AUTHOR_CUE, after_author, opens_author

AUTHOR_PATH = re.compile(
    r"/(?:authors?|autor(?:en|es|e|i)?|auteurs?|redacteurs?|redakteur(?:e|in|innen)?|journalist(?:en|s|e)?)(?:/|$|\?|#)",
    re.IGNORECASE)
"""An author page's path segment in the generator's languages (WordPress `/author/name/`, `/autoren/`, `/auteur/`,
`/autore/`, `/autor/`): a page of one person, not a story. Not section names a story may sit under ("/people/",
"/staff/", "/profile/": a magazine's people news), which `rel="author"` or a cue still tell."""


def names_author(link: Any) -> bool:
    """Whether an `<a>` names an author: `rel="author"`, a path to an author's page (`AUTHOR_PATH`), or a text that
    opens with an author's cue before a name and is the name only ("By …", "Von …", "Por …": `authorcues.opens_author`,
    `after_author`). Review: not a headline that opens with a cue's word before a capital ("By The Numbers: …",
    "Von Berlin nach Hamburg", "Por Fin llega …"): such a card is still another story's."""
    if "author" in str(link.get("rel") or "").lower().split() or AUTHOR_PATH.search(str(link.get("href") or "")):
        return True
    text = " ".join((link.text or "").split())
    cue = AUTHOR_CUE.match(text)
    return cue is not None and cue.end() < len(text) and opens_author(text, cue) and after_author(text)
