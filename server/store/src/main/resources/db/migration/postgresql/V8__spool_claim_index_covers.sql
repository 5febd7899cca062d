-- PostgreSQL twin of the Derby migration: the claim's walk in age order reads the index alone.
DROP INDEX spool_queue_age;
CREATE INDEX spool_queue_age ON spool (queue_name, stored_at_ms, id, not_before_ms, size_bytes);
