ALTER TABLE `poll_options` ADD `range_low` real;--> statement-breakpoint
ALTER TABLE `poll_options` ADD `range_high` real;--> statement-breakpoint
ALTER TABLE `polls` ADD `scale` text DEFAULT 'nominal' NOT NULL;