-- 0063_no_credentials_in_urls: a URL's `user:password@` is never stored (newsflow/credentials.py).
--
-- newsflow never sends a URL's credentials (requests are built without httpx's client), yet a feed
-- whose links carried them (or a redirect that put them in) had them stored in articles.url,
-- entries.url and entries.guid, and in the errors of fetch_events, entries and feeds, where every
-- query and export showed them. Loads now drop them; this drops the ones stored before.
-- feeds.url, the config's URL as written, stays: it is the feed's identity, and the config holds it.
-- URLs (url, guid) lose only their own authority's userinfo, newsflow.credentials._OWN_USERINFO (a URL
-- in a URL's query is data: `/go?u=http://joe@x.com` keeps it); error lines lose every URL's,
-- _USERINFO. Each UPDATE only touches rows with a `@`.

UPDATE articles SET url = regexp_replace(url, '(?i)\A([a-z][a-z0-9+.-]*://)[^/?#]*@', '\1')
WHERE url LIKE '%://%@%';
UPDATE entries SET
    url = regexp_replace(url, '(?i)\A([a-z][a-z0-9+.-]*://)[^/?#]*@', '\1'),
    guid = regexp_replace(guid, '(?i)\A([a-z][a-z0-9+.-]*://)[^/?#]*@', '\1'),
    last_error = regexp_replace(last_error, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE url LIKE '%://%@%' OR guid LIKE '%://%@%' OR last_error LIKE '%://%@%';
UPDATE fetch_events SET
    url = regexp_replace(url, '(?i)\A([a-z][a-z0-9+.-]*://)[^/?#]*@', '\1'),
    error = regexp_replace(error, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE url LIKE '%://%@%' OR error LIKE '%://%@%';
UPDATE feeds SET last_error = regexp_replace(last_error, '(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@', '\1', 'g')
WHERE last_error LIKE '%://%@%';
