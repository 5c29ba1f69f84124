CREATE TABLE `survey_answers` (
	`response_id` integer NOT NULL,
	`poll_id` integer NOT NULL,
	`vote_id` integer NOT NULL,
	`page` integer NOT NULL,
	PRIMARY KEY(`response_id`, `poll_id`),
	FOREIGN KEY (`response_id`) REFERENCES `survey_responses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_answers_vote_id_unique` ON `survey_answers` (`vote_id`);--> statement-breakpoint
CREATE INDEX `survey_answers_poll` ON `survey_answers` (`poll_id`);--> statement-breakpoint
CREATE TABLE `survey_day_tallies` (
	`survey_id` integer NOT NULL,
	`day` integer NOT NULL,
	`started` integer DEFAULT 0 NOT NULL,
	`finished` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`survey_id`, `day`),
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `survey_locks` (
	`survey_id` integer NOT NULL,
	`lock_key` text NOT NULL,
	`response_id` integer NOT NULL,
	PRIMARY KEY(`survey_id`, `lock_key`),
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`response_id`) REFERENCES `survey_responses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `survey_locks_response` ON `survey_locks` (`response_id`);--> statement-breakpoint
CREATE TABLE `survey_page_tallies` (
	`survey_id` integer NOT NULL,
	`page` integer NOT NULL,
	`reached` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`survey_id`, `page`),
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `survey_pair_option_tallies` (
	`by_poll_id` integer NOT NULL,
	`by_option_id` integer NOT NULL,
	`poll_id` integer NOT NULL,
	`option_id` integer NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`by_poll_id`, `poll_id`, `by_option_id`, `option_id`),
	FOREIGN KEY (`by_poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`by_option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `survey_pair_tallies` (
	`by_poll_id` integer NOT NULL,
	`by_option_id` integer NOT NULL,
	`poll_id` integer NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`by_poll_id`, `poll_id`, `by_option_id`),
	FOREIGN KEY (`by_poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`by_option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`source` text NOT NULL,
	`device_key` text,
	`finished` integer DEFAULT false NOT NULL,
	`finished_at` integer,
	`profile` text DEFAULT '{}' NOT NULL,
	`pages_done` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `survey_responses_created` ON `survey_responses` (`survey_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `survey_responses_device` ON `survey_responses` (`survey_id`,`device_key`);--> statement-breakpoint
CREATE TABLE `surveys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`opens_at` integer,
	`closes_at` integer,
	`results_visibility` text NOT NULL,
	`duplicate_policy` text NOT NULL,
	`profile` text DEFAULT '[]' NOT NULL,
	`started_count` integer DEFAULT 0 NOT NULL,
	`finished_count` integer DEFAULT 0 NOT NULL,
	`duplicate_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `surveys_slug_unique` ON `surveys` (`slug`);--> statement-breakpoint
ALTER TABLE `polls` ADD `survey_id` integer REFERENCES surveys(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `polls` ADD `survey_position` integer;--> statement-breakpoint
ALTER TABLE `polls` ADD `survey_page` integer;--> statement-breakpoint
ALTER TABLE `polls` ADD `required` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `polls_survey` ON `polls` (`survey_id`,`survey_position`);