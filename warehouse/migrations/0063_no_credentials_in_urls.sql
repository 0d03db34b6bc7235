-- 0063_no_credentials_in_urls: a URL's `user:password@` is never stored (newsflow/credentials.py).
--
-- newsflow never sends a URL's credentials (requests are built without httpx's client), yet a feed
-- whose links carried them (or a redirect that put them in) had them stored in articles.url,
-- entries.url and entries.guid, and in the errors of fetch_events, entries and feeds, where every
-- query and export showed them. Loads now drop them; this drops the ones stored before.
-- feeds.url, the config's URL as written, stays: it is the feed's identity, and the config holds it.
-- The pattern is newsflow.credentials._USERINFO's; each UPDATE only touches rows with a `@`.

UPDATE articles SET url = regexp_replace(url, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE url LIKE '%://%@%';
UPDATE entries SET
    url = regexp_replace(url, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g'),
    guid = regexp_replace(guid, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g'),
    last_error = regexp_replace(last_error, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE url LIKE '%://%@%' OR guid LIKE '%://%@%' OR last_error LIKE '%://%@%';
UPDATE fetch_events SET
    url = regexp_replace(url, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g'),
    error = regexp_replace(error, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE url LIKE '%://%@%' OR error LIKE '%://%@%';
UPDATE feeds SET last_error = regexp_replace(last_error, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE last_error LIKE '%://%@%';
