-- Summaries and contents move from entries and items to `texts`, each stored once
-- (src/db/schema/items.ts). New rows are keyed by a hash of their text (src/db/texts.ts),
-- which SQL cannot compute: the rows carried over here are keyed 'entry:<id>' (and
-- 'item:<id>' for a story whose text no entry of it has), keys a hash never takes (they have
-- a ':'). A story points to its best entry's row when that entry's text is the story's.
--
-- entries and items are rebuilt rather than altered: DROP COLUMN shrinks rows in place and
-- leaves each page as empty as the text made it (a 250-source database grew from 114 to
-- 157 MB; rebuilt, it is smaller than before). Order matters for the foreign key from
-- entries to items: the new entries point to the new items, the old entries go first, then
-- the old items (nothing points to them any more), and renaming the new items to `items`
-- renames the reference too. Items keep their rowids (feeds' ETags read the largest).
CREATE TABLE `texts` (
	`key` text PRIMARY KEY NOT NULL,
	`summary` text,
	`content_html` text
);
--> statement-breakpoint
INSERT INTO `texts` (`key`, `summary`, `content_html`)
SELECT 'entry:' || `id`, `summary`, `content_html` FROM `entries`
WHERE `summary` IS NOT NULL OR `content_html` IS NOT NULL;--> statement-breakpoint
CREATE TABLE `__new_items` (
	`id` text PRIMARY KEY NOT NULL,
	`canonical_url` text,
	`url` text,
	`title` text NOT NULL,
	`author` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`enclosures` text DEFAULT '[]' NOT NULL,
	`published_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`search_text` text DEFAULT '' NOT NULL,
	`category_keys` text,
	`text_key` text
);
--> statement-breakpoint
INSERT INTO `__new_items` (`rowid`, `id`, `canonical_url`, `url`, `title`, `author`,
	`categories`, `enclosures`, `published_at`, `updated_at`, `first_seen_at`, `search_text`,
	`category_keys`, `text_key`)
SELECT `rowid`, `id`, `canonical_url`, `url`, `title`, `author`, `categories`, `enclosures`,
	`published_at`, `updated_at`, `first_seen_at`, `search_text`, `category_keys`,
	CASE WHEN `summary` IS NULL AND `content_html` IS NULL THEN NULL ELSE coalesce((
		SELECT 'entry:' || `e`.`id` FROM `entries` `e`
		WHERE `e`.`item_id` = `items`.`id`
			AND `e`.`summary` IS `items`.`summary` AND `e`.`content_html` IS `items`.`content_html`
		ORDER BY `e`.`id` LIMIT 1
	), 'item:' || `id`) END
FROM `items`;--> statement-breakpoint
INSERT INTO `texts` (`key`, `summary`, `content_html`)
SELECT 'item:' || `id`, `summary`, `content_html` FROM `items`
WHERE (`summary` IS NOT NULL OR `content_html` IS NOT NULL) AND NOT EXISTS (
	SELECT 1 FROM `entries` `e`
	WHERE `e`.`item_id` = `items`.`id`
		AND `e`.`summary` IS `items`.`summary` AND `e`.`content_html` IS `items`.`content_html`
);--> statement-breakpoint
CREATE TABLE `__new_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`network_slug` text NOT NULL,
	`item_id` text NOT NULL,
	`guid_hash` text NOT NULL,
	`guid` text,
	`url` text,
	`canonical_url` text,
	`title` text NOT NULL,
	`author` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`enclosures` text DEFAULT '[]' NOT NULL,
	`published_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`content_hash` text NOT NULL,
	`merge_reason` text DEFAULT 'first' NOT NULL,
	`merge_detail` text,
	`title_key` text DEFAULT '' NOT NULL,
	`minhash` text DEFAULT '' NOT NULL,
	`shingle_count` integer DEFAULT 0 NOT NULL,
	`lead_key` text DEFAULT '' NOT NULL,
	`serial_marks` text DEFAULT '' NOT NULL,
	`text_length` integer DEFAULT 0 NOT NULL,
	`relay` integer DEFAULT false NOT NULL,
	`split_from_item_id` text,
	`lead_probes` text DEFAULT '' NOT NULL,
	`text_key` text,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `__new_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_entries` (`id`, `source_id`, `network_slug`, `item_id`, `guid_hash`, `guid`,
	`url`, `canonical_url`, `title`, `author`, `categories`, `enclosures`, `published_at`,
	`updated_at`, `first_seen_at`, `content_hash`, `merge_reason`, `merge_detail`, `title_key`,
	`minhash`, `shingle_count`, `lead_key`, `serial_marks`, `text_length`, `relay`,
	`split_from_item_id`, `lead_probes`, `text_key`)
SELECT `id`, `source_id`, `network_slug`, `item_id`, `guid_hash`, `guid`, `url`,
	`canonical_url`, `title`, `author`, `categories`, `enclosures`, `published_at`,
	`updated_at`, `first_seen_at`, `content_hash`, `merge_reason`, `merge_detail`, `title_key`,
	`minhash`, `shingle_count`, `lead_key`, `serial_marks`, `text_length`, `relay`,
	`split_from_item_id`, `lead_probes`,
	CASE WHEN `summary` IS NULL AND `content_html` IS NULL THEN NULL ELSE 'entry:' || `id` END
FROM `entries`;--> statement-breakpoint
DROP TABLE `entries`;--> statement-breakpoint
DROP TABLE `items`;--> statement-breakpoint
ALTER TABLE `__new_items` RENAME TO `items`;--> statement-breakpoint
ALTER TABLE `__new_entries` RENAME TO `entries`;--> statement-breakpoint
CREATE INDEX `items_published` ON `items` (`published_at`);--> statement-breakpoint
CREATE INDEX `items_canonical` ON `items` (`canonical_url`);--> statement-breakpoint
CREATE UNIQUE INDEX `entries_source_guid` ON `entries` (`source_id`,`guid_hash`);--> statement-breakpoint
CREATE INDEX `entries_source_guid_content` ON `entries` (`source_id`,`guid_hash`,`content_hash`);--> statement-breakpoint
CREATE INDEX `entries_item` ON `entries` (`item_id`);--> statement-breakpoint
CREATE INDEX `entries_canonical` ON `entries` (`canonical_url`);--> statement-breakpoint
CREATE INDEX `entries_guid` ON `entries` (`guid_hash`);--> statement-breakpoint
CREATE INDEX `entries_network_updated` ON `entries` (`network_slug`,`updated_at`);--> statement-breakpoint
CREATE INDEX `entries_split_source` ON `entries` (`source_id`) WHERE "entries"."split_from_item_id" is not null;
