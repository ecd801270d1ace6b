ALTER TABLE `entries` ADD `lead_probes` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `event_sources` ADD `merge_reason` text DEFAULT 'first' NOT NULL;--> statement-breakpoint
ALTER TABLE `event_sources` ADD `merge_detail` text;