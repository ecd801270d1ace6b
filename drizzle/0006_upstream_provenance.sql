CREATE TABLE `upstream_entries` (
	`source_id` integer NOT NULL,
	`guid` text NOT NULL,
	`networks` text NOT NULL,
	PRIMARY KEY(`source_id`, `guid`),
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `upstream_networks` (
	`source_id` integer NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`site` text,
	`territory` text,
	PRIMARY KEY(`source_id`, `slug`),
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade
);
