-- PostgreSQL twin of the Derby migration. A mail's content can live in its spool row, committed in the same
-- transaction as the row. NULL for content kept as a blob (large mail, rows written before V6).
ALTER TABLE spool ADD COLUMN content BYTEA;
