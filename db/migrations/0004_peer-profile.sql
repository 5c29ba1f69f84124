CREATE TABLE `segment_option_tallies` (
	`poll_id` integer NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`option_id` integer NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `dimension`, `value`, `option_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `segment_tallies` (
	`poll_id` integer NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `dimension`, `value`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `vote_profiles` (
	`vote_id` integer NOT NULL,
	`poll_id` integer NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`vote_id`, `dimension`),
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vote_profiles_segment` ON `vote_profiles` (`poll_id`,`dimension`,`value`,`vote_id`);--> statement-breakpoint
ALTER TABLE `polls` ADD `profile` text DEFAULT '[]' NOT NULL;