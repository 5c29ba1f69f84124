CREATE TABLE `person_locks` (
	`poll_id` integer NOT NULL,
	`lock_key` text NOT NULL,
	PRIMARY KEY(`poll_id`, `lock_key`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `survey_person_locks` (
	`survey_id` integer NOT NULL,
	`lock_key` text NOT NULL,
	PRIMARY KEY(`survey_id`, `lock_key`),
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `person_locks` (`poll_id`, `lock_key`) SELECT `poll_id`, `lock_key` FROM `vote_locks` WHERE `lock_key` LIKE 'p:%' ORDER BY `poll_id`, `lock_key`;
--> statement-breakpoint
DELETE FROM `vote_locks` WHERE `lock_key` LIKE 'p:%';
--> statement-breakpoint
INSERT INTO `survey_person_locks` (`survey_id`, `lock_key`) SELECT `survey_id`, `lock_key` FROM `survey_locks` WHERE `lock_key` LIKE 'p:%' ORDER BY `survey_id`, `lock_key`;
--> statement-breakpoint
DELETE FROM `survey_locks` WHERE `lock_key` LIKE 'p:%';
--> statement-breakpoint
UPDATE `votes` SET `device_key` = NULL, `created_at` = `created_at` - (`created_at` % 3600000) WHERE `poll_id` IN (SELECT `id` FROM `polls` WHERE `duplicate_policy` = 'person' OR `survey_id` IN (SELECT `id` FROM `surveys` WHERE `duplicate_policy` = 'person'));
--> statement-breakpoint
UPDATE `survey_responses` SET `device_key` = NULL, `created_at` = `created_at` - (`created_at` % 3600000), `updated_at` = `updated_at` - (`updated_at` % 3600000) WHERE `survey_id` IN (SELECT `id` FROM `surveys` WHERE `duplicate_policy` = 'person');
