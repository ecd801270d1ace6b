-- Summaries and contents move from entries and items to `texts`, each stored once
-- (src/db/schema/items.ts). New rows are keyed by a hash of their text (src/db/texts.ts),
-- which SQL cannot compute: the rows carried over here are keyed 'entry:<id>' (and
-- 'item:<id>' for a story whose text no entry of it has), keys a hash never takes (they have
-- a ':'). A story points to its best entry's row when that entry's text is the story's.
CREATE TABLE `texts` (
	`key` text PRIMARY KEY NOT NULL,
	`summary` text,
	`content_html` text
);
--> statement-breakpoint
ALTER TABLE `entries` ADD `text_key` text;--> statement-breakpoint
ALTER TABLE `items` ADD `text_key` text;--> statement-breakpoint
INSERT INTO `texts` (`key`, `summary`, `content_html`)
SELECT 'entry:' || `id`, `summary`, `content_html` FROM `entries`
WHERE `summary` IS NOT NULL OR `content_html` IS NOT NULL;--> statement-breakpoint
UPDATE `entries` SET `text_key` = 'entry:' || `id`
WHERE `summary` IS NOT NULL OR `content_html` IS NOT NULL;--> statement-breakpoint
UPDATE `items` SET `text_key` = (
	SELECT 'entry:' || `e`.`id` FROM `entries` `e`
	WHERE `e`.`item_id` = `items`.`id`
		AND `e`.`summary` IS `items`.`summary` AND `e`.`content_html` IS `items`.`content_html`
	ORDER BY `e`.`id` LIMIT 1
)
WHERE `summary` IS NOT NULL OR `content_html` IS NOT NULL;--> statement-breakpoint
INSERT INTO `texts` (`key`, `summary`, `content_html`)
SELECT 'item:' || `id`, `summary`, `content_html` FROM `items`
WHERE `text_key` IS NULL AND (`summary` IS NOT NULL OR `content_html` IS NOT NULL);--> statement-breakpoint
UPDATE `items` SET `text_key` = 'item:' || `id`
WHERE `text_key` IS NULL AND (`summary` IS NOT NULL OR `content_html` IS NOT NULL);--> statement-breakpoint
ALTER TABLE `entries` DROP COLUMN `summary`;--> statement-breakpoint
ALTER TABLE `entries` DROP COLUMN `content_html`;--> statement-breakpoint
ALTER TABLE `items` DROP COLUMN `summary`;--> statement-breakpoint
ALTER TABLE `items` DROP COLUMN `content_html`;
