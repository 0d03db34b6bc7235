"""Which codec names a declared charset may name: the Python codecs that are no character set.

Stdlib only, so the feed parse workers (`feedprep`) and the page decoder (`charset`) share it without the
page decoder's imports.

A page or feed declares its charset by a label (`Content-Type: …; charset=x`, `<meta charset>`, `<?xml …
encoding="x"?>`), and `codecs.lookup` resolves far more labels than any browser: besides the bytes-to-bytes
and str-to-str codecs (`base64`, `rot13`, refused in `charset.charset_label`), Python has text codecs that are
no character set. The WHATWG Encoding standard (every browser) has no label for any of them, so a page naming
one is read as if it named none. Reading with them was worse than garbage (red team 43): punycode's decoder
copies the text so far for each character it inserts, O(n^2), so a 260 KB body took 3-4 s of CPU (the
fetcher's event loop for a page, a parse worker for a feed) and a 10 MB one about an hour; `unicode-escape`
makes a page's `\\n` a line break, UTF-7 eats `+` signs, `idna` and `undefined` refuse any text.
"""

from __future__ import annotations

import codecs

NOT_CHARSETS = frozenset({"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"})


def names_no_charset(label: str) -> bool:
    """Whether a declared label resolves to one of `NOT_CHARSETS`."""
    try:
        return codecs.lookup(label.strip().strip("\"'")).name in NOT_CHARSETS
    except (LookupError, ValueError):  # unknown, or a NUL in the label: not this module's concern
        return False
