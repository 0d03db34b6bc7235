-- 0093_unreachable_boot_clock: the outage's grace measured on the boot clock too (red team 35; docs/polling.md,
-- "Red team 35"). A wall clock set back at every run of an outage restarted the grace each time
-- (feeds.unreachable_since is taken back to a poll earlier than it), and a site that died offline was never counted
-- (red team 34's hunt, seed 201).
--
-- feeds.unreachable_boot, unreachable_uptime: the boot clock (the kernel's boot id, CLOCK_BOOTTIME seconds) at the
-- feed's first poll that failed to reach it in this boot. The grace is the longer of the wall clock's time since
-- unreachable_since and the boot clock's since this.
ALTER TABLE feeds ADD COLUMN unreachable_boot VARCHAR;
ALTER TABLE feeds ADD COLUMN unreachable_uptime DOUBLE;
