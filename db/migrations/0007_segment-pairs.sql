CREATE TABLE `segment_pair_option_tallies` (
	`poll_id` integer NOT NULL,
	`dimension_a` text NOT NULL,
	`value_a` text NOT NULL,
	`dimension_b` text NOT NULL,
	`value_b` text NOT NULL,
	`option_id` integer NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `dimension_a`, `dimension_b`, `value_a`, `value_b`, `option_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `segment_pair_tallies` (
	`poll_id` integer NOT NULL,
	`dimension_a` text NOT NULL,
	`value_a` text NOT NULL,
	`dimension_b` text NOT NULL,
	`value_b` text NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `dimension_a`, `dimension_b`, `value_a`, `value_b`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Profile answers stored before this migration get their pair tallies.
INSERT INTO `segment_pair_tallies` (`poll_id`, `dimension_a`, `value_a`, `dimension_b`, `value_b`, `responses`)
  SELECT a.`poll_id`, a.`dimension`, a.`value`, b.`dimension`, b.`value`, count(*)
  FROM `vote_profiles` a JOIN `vote_profiles` b ON b.`vote_id` = a.`vote_id` AND a.`dimension` < b.`dimension`
  GROUP BY a.`poll_id`, a.`dimension`, a.`value`, b.`dimension`, b.`value`;
--> statement-breakpoint
INSERT INTO `segment_pair_option_tallies` (`poll_id`, `dimension_a`, `value_a`, `dimension_b`, `value_b`, `option_id`, `votes`)
  SELECT a.`poll_id`, a.`dimension`, a.`value`, b.`dimension`, b.`value`, vc.`option_id`, count(*)
  FROM `vote_profiles` a JOIN `vote_profiles` b ON b.`vote_id` = a.`vote_id` AND a.`dimension` < b.`dimension`
  JOIN `vote_choices` vc ON vc.`vote_id` = a.`vote_id`
  GROUP BY a.`poll_id`, a.`dimension`, a.`value`, b.`dimension`, b.`value`, vc.`option_id`;
