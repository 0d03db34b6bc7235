-- 0014_published_date: the publication day in the publisher's own time zone (newsflow.dates).
--
-- `published_at` is a TIMESTAMPTZ, stored as a UTC instant, so the UTC offset the page gave is
-- lost: an article published at 21:00 in Lima (-05:00) is stored on the next UTC day. The day a
-- publisher (and a reader of the paper) calls its publication day is the local one, kept here.
-- It is the UTC day of `published_at` when the page gives no offset or the date came from the
-- feed. Articles stored before this migration keep NULL until `newsflow reextract` runs on their
-- kept HTML.

ALTER TABLE articles ADD COLUMN published_date DATE;
