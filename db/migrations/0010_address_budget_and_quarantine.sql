CREATE TABLE `prefix_hour_tallies` (
	`poll_id` integer NOT NULL,
	`prefix_key` text NOT NULL,
	`hour` integer NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	`refused` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `prefix_key`, `hour`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `prefix_hour_poll_hour` ON `prefix_hour_tallies` (`poll_id`,`hour`);--> statement-breakpoint
CREATE TABLE `quarantines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` integer NOT NULL,
	`prefix_key` text NOT NULL,
	`from_at` integer NOT NULL,
	`to_at` integer NOT NULL,
	`votes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`restored_at` integer,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `quarantines_poll` ON `quarantines` (`poll_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `polls` ADD `network_identity` text DEFAULT 'address_agent' NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `address_budget` text;--> statement-breakpoint
ALTER TABLE `polls` ADD `embed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `quarantined_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `votes` ADD `prefix_key` text;--> statement-breakpoint
ALTER TABLE `votes` ADD `quarantine_id` integer REFERENCES quarantines(id);--> statement-breakpoint
CREATE INDEX `votes_poll_prefix` ON `votes` (`poll_id`,`prefix_key`,`created_at`);--> statement-breakpoint
CREATE INDEX `votes_quarantine` ON `votes` (`quarantine_id`);