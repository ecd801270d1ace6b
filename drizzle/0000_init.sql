CREATE TABLE `networks` (
	`slug` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`site` text,
	`territory` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`description` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pulls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`sources` integer DEFAULT 0 NOT NULL,
	`ok` integer DEFAULT 0 NOT NULL,
	`not_modified` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`new_items` integer DEFAULT 0 NOT NULL,
	`updated_items` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`network_slug` text NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`fetch_url` text NOT NULL,
	`title` text,
	`status` text DEFAULT 'active' NOT NULL,
	`etag` text,
	`last_modified` text,
	`redirect_url` text,
	`redirect_count` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_error` text,
	`last_error_kind` text,
	`error_count` integer DEFAULT 0 NOT NULL,
	`last_fetch_at` integer,
	`last_success_at` integer,
	`next_fetch_at` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`network_slug`) REFERENCES `networks`(`slug`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sources_network_url` ON `sources` (`network_slug`,`url`);--> statement-breakpoint
CREATE INDEX `sources_due` ON `sources` (`status`,`next_fetch_at`);--> statement-breakpoint
CREATE TABLE `entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`network_slug` text NOT NULL,
	`item_id` text NOT NULL,
	`guid_hash` text NOT NULL,
	`guid` text,
	`url` text,
	`canonical_url` text,
	`title` text NOT NULL,
	`summary` text,
	`content_html` text,
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
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entries_source_guid` ON `entries` (`source_id`,`guid_hash`);--> statement-breakpoint
CREATE INDEX `entries_item` ON `entries` (`item_id`);--> statement-breakpoint
CREATE INDEX `entries_canonical` ON `entries` (`canonical_url`);--> statement-breakpoint
CREATE INDEX `entries_guid` ON `entries` (`guid_hash`);--> statement-breakpoint
CREATE INDEX `entries_split_source` ON `entries` (`source_id`) WHERE "entries"."split_from_item_id" is not null;--> statement-breakpoint
CREATE TABLE `entry_splits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`guid_hash` text NOT NULL,
	`canonical_url` text,
	`title_key` text NOT NULL,
	`from_item_id` text NOT NULL,
	`to_item_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `entry_splits_source` ON `entry_splits` (`source_id`);--> statement-breakpoint
CREATE TABLE `item_bands` (
	`band_key` text NOT NULL,
	`item_id` text NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_bands_lookup` ON `item_bands` (`band_key`,`published_at`,`item_id`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` text PRIMARY KEY NOT NULL,
	`canonical_url` text,
	`url` text,
	`title` text NOT NULL,
	`summary` text,
	`content_html` text,
	`author` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`enclosures` text DEFAULT '[]' NOT NULL,
	`published_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`search_text` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `items_published` ON `items` (`published_at`);--> statement-breakpoint
CREATE INDEX `items_canonical` ON `items` (`canonical_url`);