-- A mail's content can live in its spool row, committed in the same transaction as the row: one sync of
-- Derby's log makes the mail durable. NULL for content kept as a blob (large mail, rows written before V6).
ALTER TABLE spool ADD COLUMN content BLOB;
