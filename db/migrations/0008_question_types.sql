CREATE TABLE `other_answers` (
	`vote_id` integer PRIMARY KEY NOT NULL,
	`poll_id` integer NOT NULL,
	`text` text NOT NULL,
	`normalized` text NOT NULL,
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `other_answers_poll` ON `other_answers` (`poll_id`,`normalized`);--> statement-breakpoint
CREATE TABLE `ranking_tallies` (
	`poll_id` integer NOT NULL,
	`ranking` text NOT NULL,
	`ballots` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `ranking`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `vote_rankings` (
	`vote_id` integer PRIMARY KEY NOT NULL,
	`poll_id` integer NOT NULL,
	`ranking` text NOT NULL,
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vote_rankings_poll` ON `vote_rankings` (`poll_id`,`ranking`);--> statement-breakpoint
ALTER TABLE `poll_options` ADD `value` real;--> statement-breakpoint
ALTER TABLE `poll_options` ADD `other` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `allow_other` integer DEFAULT false NOT NULL;