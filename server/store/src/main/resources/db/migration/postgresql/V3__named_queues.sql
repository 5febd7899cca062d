-- PostgreSQL twin of the Derby migration. Named queues share the spool table and its blob area:
-- the incoming spool is the queue 'spool' (every row written before this version), remote delivery waits in
-- 'outgoing'. Claims look for ready rows of one queue.
ALTER TABLE spool ADD COLUMN queue_name VARCHAR(64) DEFAULT 'spool' NOT NULL;

CREATE INDEX spool_queue_ready ON spool (queue_name, not_before_ms);
