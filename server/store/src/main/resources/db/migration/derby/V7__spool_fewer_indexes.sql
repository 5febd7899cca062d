-- Every spool INSERT and DELETE maintains each index of the table. spool_queue_age (V5) serves the claim and
-- the queue listing; these two were no longer read by any query.
DROP INDEX spool_age;
DROP INDEX spool_queue_ready;
