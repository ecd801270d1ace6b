ALTER TABLE `sources` ADD `truncated_kept` integer;--> statement-breakpoint
ALTER TABLE `sources` ADD `truncated_total` integer;