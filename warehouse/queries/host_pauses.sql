-- title: Hosts paused by Retry-After
-- description: Hosts that answered 429 (60 s when it gave no readable Retry-After), or 503 with a Retry-After, reaching past the run, and until when
-- description: newsflow sends them nothing: no feed of theirs is polled and their articles wait (uncounted)
-- description: for a run after the pause. A pause lasts at most polling.max_interval from when it was asked
-- description: (docs/security.md, "A host's pause kept across runs"; warehouse/README.md, host_pauses).
-- description: `newsflow query host_pauses` lists too the pauses still in the spool beside a reader (a run kept
-- description: them while one held the warehouse), and says how many on stderr (docs/security.md, "Local 21").
-- description: Each host in today's spelling (docs/search.md, "Analyst 56").
-- columns: host, until_at, asked_at, status, url
SELECT host, until_at, asked_at, status, url
FROM host_pauses
WHERE until_at > now()
ORDER BY until_at DESC, host;
