-- PostgreSQL twin of the Derby migration (TEXT for CLOB). The spool and the mail repositories.
-- Content lives in the blob store under the row's id; the envelope is a text document (EnvelopeCodec).
-- Times are epoch milliseconds.
CREATE TABLE spool (
    id              VARCHAR(32)   NOT NULL PRIMARY KEY,
    state           VARCHAR(255)  NOT NULL,
    envelope        TEXT          NOT NULL,
    size_bytes      BIGINT        NOT NULL,
    stored_at_ms    BIGINT        NOT NULL,
    failed_attempts INTEGER       DEFAULT 0 NOT NULL,
    last_failure    VARCHAR(4000) DEFAULT '' NOT NULL,
    not_before_ms   BIGINT        DEFAULT 0 NOT NULL
);

CREATE INDEX spool_age ON spool (stored_at_ms, id);

CREATE TABLE mail_repositories (
    name VARCHAR(255) NOT NULL PRIMARY KEY
);

CREATE TABLE repository_mails (
    id           VARCHAR(32)  NOT NULL PRIMARY KEY,
    repository   VARCHAR(255) NOT NULL REFERENCES mail_repositories (name),
    envelope     TEXT         NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    stored_at_ms BIGINT       NOT NULL
);

CREATE INDEX repository_mails_age ON repository_mails (repository, stored_at_ms, id);
