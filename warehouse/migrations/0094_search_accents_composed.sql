-- 0094_search_accents_composed: the articles whose accented letters only NFC composes, which migration 0086 missed.
--
-- 0086 took out of the index the texts holding an accented Latin letter, or an ASCII letter followed by a
-- combining mark (a text stored decomposed). The analysis composes more than that (NFC, then casefolding;
-- newsflow.search_text.search_tokens), so a text can have words with a bare form that 0086's pattern does not
-- see, and an article indexed before 0086 holding only such words had no accent-free form (docs/search.md,
-- "Analyst 39"). Generated over Unicode (every letter with a decomposition into an ASCII letter and marks, every
-- combining mark, and a mark of every combining class between), the class is: a letter that is no accented
-- letter of 0086's pattern followed by a mark NFC composes with it (`İ` with U+0323 is `Ị` with a dot above;
-- `ſ` with U+0307 is `ẛ`; the Kelvin sign with U+0301 is `Ḱ`; `ẗ` with U+0323 is `ṭ` with a diaeresis), and an
-- ASCII letter whose composing mark comes after another mark that reordering moves past it or that does not
-- block it (`a`, U+0591, U+0301 is `á` and a Hebrew accent). Every composing mark is in U+0300-U+036F.
--
-- So: a text with such a mark, that 0086 did not take out (it took out more than it had to, never less), whose
-- NFC form holds an accented letter of 0086's pattern. That is exactly the texts whose words have a bare form
-- that 0086 missed (tests/test_search_accents.py checks it over Unicode); only those few are taken out and
-- indexed again (each run's end, search.BACKLOG_PER_RUN a run, or `newsflow search --reindex`). The NFC test runs
-- only on texts with a mark in U+0300-U+036F that 0086's pattern does not match. Run twice, it takes out the
-- same articles, and the next update indexes them as the first did.
CREATE TEMP TABLE search_docs_0094 AS
SELECT doc_id FROM (SELECT d.doc_id, coalesce(a.title, '') || ' ' || coalesce(a."text", '') AS t
                    FROM search_docs d JOIN articles a USING (article_id))
WHERE regexp_matches(t, '[\x{0300}-\x{036f}]')
  AND NOT regexp_matches(t, '[\x{00c0}-\x{00d6}\x{00d8}-\x{00dd}\x{00e0}-\x{00f6}\x{00f8}-\x{00fd}\x{00ff}-\x{012f}\x{0134}-\x{0137}'
                            || '\x{0139}-\x{013e}\x{0141}-\x{0148}\x{014c}-\x{017e}\x{01a0}-\x{01a1}\x{01af}-\x{01b0}\x{01cd}-\x{01dc}'
                            || '\x{01de}-\x{01e3}\x{01e6}-\x{01ed}\x{01f4}-\x{01f5}\x{01f8}-\x{021b}\x{021e}-\x{021f}\x{0226}-\x{0233}'
                            || '\x{1e00}-\x{1e95}\x{1e9b}\x{1ea0}-\x{1ef9}\x{212b}]|[A-Za-z][\x{0300}-\x{036f}]')
  AND regexp_matches(nfc_normalize(replace(t, chr(0), ' ')),
                     '[\x{00c0}-\x{00d6}\x{00d8}-\x{00dd}\x{00e0}-\x{00f6}\x{00f8}-\x{00fd}\x{00ff}-\x{012f}\x{0134}-\x{0137}'
                     || '\x{0139}-\x{013e}\x{0141}-\x{0148}\x{014c}-\x{017e}\x{01a0}-\x{01a1}\x{01af}-\x{01b0}\x{01cd}-\x{01dc}'
                     || '\x{01de}-\x{01e3}\x{01e6}-\x{01ed}\x{01f4}-\x{01f5}\x{01f8}-\x{021b}\x{021e}-\x{021f}\x{0226}-\x{0233}'
                     || '\x{1e00}-\x{1e95}\x{1e9b}\x{1ea0}-\x{1ef9}]');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0094);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0094);
DROP TABLE search_docs_0094;
