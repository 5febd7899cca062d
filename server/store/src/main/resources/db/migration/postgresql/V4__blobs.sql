-- Message contents in the database (storage bodies="database", the default on PostgreSQL), for nodes sharing
-- one database. The id is the spool or repository row's id within its area. BYTEA for Derby's BLOB.
CREATE TABLE blobs (
    area         VARCHAR(64) NOT NULL,
    id           VARCHAR(64) NOT NULL,
    size_bytes   BIGINT      NOT NULL,
    stored_at_ms BIGINT      NOT NULL,
    content      BYTEA       NOT NULL,
    PRIMARY KEY (area, id)
);
