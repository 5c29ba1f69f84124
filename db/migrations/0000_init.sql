CREATE TABLE `poll_options` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` integer NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`position` integer NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_options_poll_key` ON `poll_options` (`poll_id`,`key`);--> statement-breakpoint
CREATE TABLE `polls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`question` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`type` text NOT NULL,
	`min_choices` integer NOT NULL,
	`max_choices` integer NOT NULL,
	`status` text NOT NULL,
	`opens_at` integer,
	`closes_at` integer,
	`results_visibility` text NOT NULL,
	`duplicate_policy` text NOT NULL,
	`response_count` integer DEFAULT 0 NOT NULL,
	`duplicate_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `polls_slug_unique` ON `polls` (`slug`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vote_choices` (
	`vote_id` integer NOT NULL,
	`option_id` integer NOT NULL,
	PRIMARY KEY(`vote_id`, `option_id`),
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vote_choices_option` ON `vote_choices` (`option_id`);--> statement-breakpoint
CREATE TABLE `vote_locks` (
	`poll_id` integer NOT NULL,
	`lock_key` text NOT NULL,
	`vote_id` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `lock_key`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vote_locks_vote` ON `vote_locks` (`vote_id`);--> statement-breakpoint
CREATE TABLE `votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`source` text NOT NULL,
	`device_key` text,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `votes_poll_created` ON `votes` (`poll_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `votes_poll_device` ON `votes` (`poll_id`,`device_key`);