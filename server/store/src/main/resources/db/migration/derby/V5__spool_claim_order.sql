-- A claim takes the oldest ready rows of one queue. With this index the database walks one queue in age
-- order and stops after the rows it needs, instead of sorting every ready row of the queue on each claim.
CREATE INDEX spool_queue_age ON spool (queue_name, stored_at_ms, id);
