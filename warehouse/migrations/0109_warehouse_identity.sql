-- 0109_warehouse_identity: which warehouse this file is, for the loads a run spools beside it (docs/security.md,
-- "Local 30"). Data dictionary: warehouse/README.md.
--
-- A warehouse moved aside without its spool folder (`news.duckdb` renamed, a new `news.duckdb` made in its place)
-- left its spooled loads to the new file, which has the folder's name. Each spooled load now carries the id of the
-- warehouse it was spooled for, and a replay loads only those whose id is its own (or that carry none: spooled
-- before this migration). A copy of the file keeps the id; a new file gets its own. `path` is where a run last
-- wrote the warehouse, so a run of one moved to another folder can say where its loads were left.
CREATE TABLE warehouse_identity (
    warehouse_id VARCHAR     NOT NULL,   -- random (uuid), made once, by this migration
    path         VARCHAR                 -- the warehouse's resolved path when a run last started there
);
INSERT INTO warehouse_identity (warehouse_id) SELECT CAST(uuid() AS VARCHAR);
