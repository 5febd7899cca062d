-- PostgreSQL twin of the Derby migration: spool_queue_age (V5) serves the claim and the queue listing; these
-- two indexes were no longer read by any query but were maintained by every INSERT and DELETE.
DROP INDEX spool_age;
DROP INDEX spool_queue_ready;
