-- The dedup index as integer keys in one B-tree (WITHOUT ROWID: drizzle's schema cannot
-- say it, src/db/schema/items.ts). Rows of item_bands are carried over, each string key
-- turned into its integer as src/db/item-keys.ts does: band n → n·2³² + hash,
-- lead → 64·2³² + hash, title → (65 + its length, at most 2²⁰)·2³² + hash, the hash
-- being the key's hexadecimal part.
CREATE TABLE `item_keys` (
	`key` integer NOT NULL,
	`published_at` integer NOT NULL,
	`item_id` text NOT NULL,
	PRIMARY KEY(`key`, `published_at`, `item_id`)
) WITHOUT ROWID;
--> statement-breakpoint
WITH `parts` AS (
	SELECT `item_id`, `published_at`, substr(`band_key`, 1, 1) AS `kind`,
		substr(`band_key`, instr(`band_key`, ':') + 1) AS `rest`, `band_key`
	FROM `item_bands`
), `split` AS (
	SELECT `item_id`, `published_at`,
		CASE `kind`
			WHEN 'b' THEN cast(substr(`band_key`, 2, instr(`band_key`, ':') - 2) AS integer)
			WHEN 'l' THEN 64
			ELSE 65 + min(cast(substr(`rest`, instr(`rest`, ':') + 1) AS integer), 1048576)
		END AS `high`,
		substr('00000000' || CASE `kind`
			WHEN 't' THEN substr(`rest`, 1, instr(`rest`, ':') - 1)
			ELSE `rest`
		END, -8) AS `hex`
	FROM `parts`
	WHERE `kind` IN ('b', 'l', 't')
)
INSERT OR IGNORE INTO `item_keys` (`key`, `published_at`, `item_id`)
SELECT `high` * 4294967296
		+ (instr('0123456789abcdef', substr(`hex`, 1, 1)) - 1) * 268435456
		+ (instr('0123456789abcdef', substr(`hex`, 2, 1)) - 1) * 16777216
		+ (instr('0123456789abcdef', substr(`hex`, 3, 1)) - 1) * 1048576
		+ (instr('0123456789abcdef', substr(`hex`, 4, 1)) - 1) * 65536
		+ (instr('0123456789abcdef', substr(`hex`, 5, 1)) - 1) * 4096
		+ (instr('0123456789abcdef', substr(`hex`, 6, 1)) - 1) * 256
		+ (instr('0123456789abcdef', substr(`hex`, 7, 1)) - 1) * 16
		+ (instr('0123456789abcdef', substr(`hex`, 8, 1)) - 1),
	`published_at`, `item_id`
FROM `split`;
