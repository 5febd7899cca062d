-- A claim walks one queue in age order past the rows workers already hold. With the ready time and size in
-- the index, that walk reads the index alone; only the rows handed out are read from the table.
DROP INDEX spool_queue_age;
CREATE INDEX spool_queue_age ON spool (queue_name, stored_at_ms, id, not_before_ms, size_bytes);
