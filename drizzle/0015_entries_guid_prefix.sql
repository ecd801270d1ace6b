-- Distinctive guids shared across sources are found by the first 12 hex digits of their hash
-- (src/ingest/dedupe/lookup.ts compares the whole hash): an index 3.5 times smaller than one
-- keyed by the whole 64-digit hash, where every new entry lands at a random place. Rows kept.
DROP INDEX `entries_guid`;--> statement-breakpoint
CREATE INDEX `entries_guid_prefix` ON `entries` (substr(`guid_hash`, 1, 12));
