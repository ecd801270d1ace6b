CREATE TABLE `admin_login_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_login_links_expires` ON `admin_login_links` (`expires_at`);--> statement-breakpoint
CREATE TABLE `network_proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`site` text NOT NULL,
	`email` text NOT NULL,
	`territory` text,
	`description` text,
	`feeds` text DEFAULT '[]' NOT NULL,
	`discovery_error` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`network_slug` text,
	`created_at` integer NOT NULL,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `network_proposals_status` ON `network_proposals` (`status`,`id`);