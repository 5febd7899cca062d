-- Raised by every transaction that changes a mailbox's messages (with last_uid and highest_modseq, which some
-- writes leave as they are): a node holding a copy of the mailbox's message metadata knows it is still current
-- while this column, read with the two others, has not moved.
ALTER TABLE mbx_mailbox ADD COLUMN change_count BIGINT DEFAULT 0 NOT NULL;
