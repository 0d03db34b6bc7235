-- 0011_language_source: where an article's language came from (newsflow.language).
--
-- 'declared' (the page's <html lang> or language metas), 'detected' (from the text, py3langid:
-- the page declares none, or declares one its text is surely not in), 'both' (they agree), NULL
-- when there is no language. Articles stored before this migration keep NULL until
-- `newsflow reextract` runs on their kept HTML.

ALTER TABLE articles ADD COLUMN language_source VARCHAR;
