-- The re-pull check (src/ingest/dedupe/lookup.ts, knownEntries) goes through the unique index
-- entries_source_guid: SQLite's planner takes a unique index whose every column is compared
-- for equality over this covering one, which no query read and every new entry wrote.
-- Dropping an index keeps every row.
DROP INDEX `entries_source_guid_content`;
