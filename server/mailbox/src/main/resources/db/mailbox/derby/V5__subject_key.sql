-- What a SUBJECT search can match in each message (SubjectKey): "=" and the unfolded, upper-cased Subject
-- values when plain ASCII, "~" when only parsing the header can tell. NULL for rows written before this
-- version, which searches treat like "~". The index lets a search screen a mailbox without reading its rows.
ALTER TABLE mbx_message ADD COLUMN subject_key VARCHAR(256);
CREATE INDEX mbx_message_by_subject ON mbx_message (mailbox_id, subject_key, uid);
