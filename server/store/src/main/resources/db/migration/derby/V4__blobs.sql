-- Message contents in the database (storage bodies="database"), for nodes sharing one database. The id is
-- the spool or repository row's id within its area. Unused while bodies are files.
CREATE TABLE blobs (
    area         VARCHAR(64) NOT NULL,
    id           VARCHAR(64) NOT NULL,
    size_bytes   BIGINT      NOT NULL,
    stored_at_ms BIGINT      NOT NULL,
    content      BLOB        NOT NULL,
    PRIMARY KEY (area, id)
);
