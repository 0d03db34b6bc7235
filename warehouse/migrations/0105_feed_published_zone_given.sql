-- 0105_feed_published_zone_given: the zone a feed item's date was written in (forty-fifth pass on dates).
--
-- 'offset' (a UTC offset other than zero, "-0500": the publisher's day, which the page's language alone no longer
-- moves; "-05:00", "MEZ", "JST" too), 'utc' (the text says Z, GMT, +00:00: the publisher's zone unknown, so the
-- day is put in the page's or URL's zone), 'unread' (a zone not read, taken as UTC: "A", "+530") or
-- 'none' (a local time with no zone, "2026-12-05T20:00:00", "Sat, Dec 16 2023 02:02:33 PM": `published_date` is
-- its written day, the publisher's, and `published_at` that wall clock in the item URL's country's zone, else in
-- UTC, a guess). NULL without a date, and for entries seen before this migration (read as before: an offset whose
-- day is the UTC day counts as UTC).

ALTER TABLE entries ADD COLUMN published_zone_given TEXT;
