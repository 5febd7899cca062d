-- Indexes that answer SELECT's questions (unseen count, first unseen, recent messages) from the index alone,
-- without reading every message row of the mailbox.
CREATE INDEX mbx_message_by_seen ON mbx_message (mailbox_id, seen, uid);
CREATE INDEX mbx_message_by_recent ON mbx_message (mailbox_id, recent, uid);
