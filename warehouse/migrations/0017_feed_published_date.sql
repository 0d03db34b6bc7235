-- 0017_feed_published_date: the feed item's publication day in the publisher's own time zone.
--
-- `entries.published_at` is a TIMESTAMPTZ, an instant stored in UTC, so the offset the feed wrote
-- ("Sat, 07 May 2022 20:06:23 -0500") is lost, and its UTC day (the 8th) is not the day the
-- publisher means (the 7th). An article whose page gives no date takes its `published_date` from
-- here. Entries seen before this migration keep NULL, and their articles fall back to the UTC day.

ALTER TABLE entries ADD COLUMN published_date DATE;
