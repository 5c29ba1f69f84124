CREATE TABLE `period_option_tallies` (
	`poll_id` integer NOT NULL,
	`day` integer NOT NULL,
	`option_id` integer NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `day`, `option_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `period_tallies` (
	`poll_id` integer NOT NULL,
	`day` integer NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `day`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Votes cast before this migration get their per-day tallies, so trends add up to the results.
INSERT INTO `period_tallies` (`poll_id`, `day`, `responses`)
  SELECT `poll_id`, `created_at` / 86400000, count(*) FROM `votes` GROUP BY `poll_id`, `created_at` / 86400000;
--> statement-breakpoint
INSERT INTO `period_option_tallies` (`poll_id`, `day`, `option_id`, `votes`)
  SELECT v.`poll_id`, v.`created_at` / 86400000, vc.`option_id`, count(*)
  FROM `votes` v JOIN `vote_choices` vc ON vc.`vote_id` = v.`id`
  GROUP BY v.`poll_id`, v.`created_at` / 86400000, vc.`option_id`;
