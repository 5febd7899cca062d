-- mbx_blob was created before it had a BLOB column, so it has Derby's 4 KiB pages and a body of a few KB is
-- read through a chain of overflow pages. Rebuilt here: a table created with a BLOB column gets 32 KiB pages,
-- where a typical body is read from the row's own page. Its primary key goes in after the copy.
CREATE TABLE mbx_blob_v7 (
    hash      CHAR(64) NOT NULL,
    byte_size BIGINT   NOT NULL,
    refcount  BIGINT   NOT NULL,
    content   BLOB
);
INSERT INTO mbx_blob_v7 (hash, byte_size, refcount, content) SELECT hash, byte_size, refcount, content FROM mbx_blob;
DROP TABLE mbx_blob;
RENAME TABLE mbx_blob_v7 TO mbx_blob;
ALTER TABLE mbx_blob ADD PRIMARY KEY (hash);
