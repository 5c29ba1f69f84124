-- Vote times are stored to the minute, so the vote log cannot be lined up with request logs to
-- re-identify a voter. Rows written before that rule are floored here.
-- A poll's updated_at equal to one of its vote times was bumped by that vote (votes set it to
-- their own time); floor it too, or it would keep the exact time of the latest vote. max() keeps
-- it from falling before the poll's creation within the same minute.
UPDATE polls SET updated_at = max(created_at, updated_at - (updated_at % 60000))
WHERE updated_at IN (SELECT created_at FROM votes WHERE votes.poll_id = polls.id);
--> statement-breakpoint
UPDATE votes SET created_at = created_at - (created_at % 60000);
