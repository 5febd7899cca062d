-- Bodies in the database (storage bodies="database", the default on PostgreSQL), for nodes sharing one
-- database: the content of each distinct body, in its mbx_blob row. NULL while bodies are files.
ALTER TABLE mbx_blob ADD COLUMN content BYTEA;
