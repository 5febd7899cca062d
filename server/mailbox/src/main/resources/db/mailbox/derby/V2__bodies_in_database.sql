-- Bodies in the database (storage bodies="database"), for nodes sharing one database: the content of each
-- distinct body, in its mbx_blob row. NULL while bodies are files.
ALTER TABLE mbx_blob ADD COLUMN content BLOB;
