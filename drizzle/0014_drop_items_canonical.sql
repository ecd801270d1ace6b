-- Stories are found by their entries' URLs (entries_canonical): no query reads items by
-- canonical_url, and this index cost every new story one write at a random place of it
-- (src/db/schema/items.ts). Dropping an index keeps every row.
DROP INDEX `items_canonical`;
