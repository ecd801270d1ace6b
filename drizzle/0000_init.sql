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
CREATE INDEX `entries_source_guid_content` ON `entries` (`source_id`,`guid_hash`,`content_hash`);--> statement-breakpoint
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
CREATE INDEX `items_canonical` ON `items` (`canonical_url`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`digest_id` integer NOT NULL,
	`subscriber_id` integer NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`claimed_at` integer,
	`message_id` text NOT NULL,
	`last_error` text,
	`sent_at` integer,
	FOREIGN KEY (`digest_id`) REFERENCES `digests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_digest_subscriber` ON `deliveries` (`digest_id`,`subscriber_id`);--> statement-breakpoint
CREATE INDEX `deliveries_todo` ON `deliveries` (`digest_id`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_subscriber` ON `deliveries` (`subscriber_id`,`state`);--> statement-breakpoint
CREATE TABLE `digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`window_end` integer NOT NULL,
	`window_start` integer NOT NULL,
	`edition` text,
	`story_count` integer DEFAULT 0 NOT NULL,
	`event_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`enqueued_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `digests_status` ON `digests` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `pending_subscriptions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`lang` text DEFAULT 'fr' NOT NULL,
	`frequency` text DEFAULT 'weekly' NOT NULL,
	`choices` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pending_expires` ON `pending_subscriptions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`key`, `window_start`)
);
--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`lang` text DEFAULT 'fr' NOT NULL,
	`frequency` text DEFAULT 'weekly' NOT NULL,
	`choices` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`token_salt` text NOT NULL,
	`confirmed_at` integer NOT NULL,
	`last_digest_at` integer,
	`unsubscribed_at` integer,
	`bounced_at` integer,
	`bounce_reason` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_email` ON `subscribers` (`email`);--> statement-breakpoint
CREATE INDEX `subscribers_status` ON `subscribers` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `event_occurrences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer,
	`recurrence_id` integer,
	`status` text DEFAULT 'confirmed' NOT NULL,
	`title` text,
	`location` text,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_occurrences_start` ON `event_occurrences` (`start`);--> statement-breakpoint
CREATE INDEX `event_occurrences_event` ON `event_occurrences` (`event_id`);--> statement-breakpoint
CREATE TABLE `event_sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`source_id` integer NOT NULL,
	`network_slug` text NOT NULL,
	`uid` text NOT NULL,
	`url` text,
	`content_hash` text NOT NULL,
	`removed` integer DEFAULT false NOT NULL,
	`first_seen_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_sources_source_uid` ON `event_sources` (`source_id`,`uid`);--> statement-breakpoint
CREATE INDEX `event_sources_event` ON `event_sources` (`event_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`primary_source_id` integer NOT NULL,
	`uid` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`location` text,
	`url` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'confirmed' NOT NULL,
	`start` integer NOT NULL,
	`end` integer,
	`all_day` integer DEFAULT false NOT NULL,
	`timezone` text NOT NULL,
	`rrule` text,
	`components` text DEFAULT '[]' NOT NULL,
	`title_key` text DEFAULT '' NOT NULL,
	`search_text` text DEFAULT '' NOT NULL,
	`expanded_until` integer DEFAULT 0 NOT NULL,
	`first_seen_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_start` ON `events` (`start`);--> statement-breakpoint
CREATE INDEX `events_updated` ON `events` (`updated_at`);