-- Postline mailbox store (Derby). Keep in step with ../postgresql/V1__mailbox_store.sql:
-- only the large-object types differ (BLOB/CLOB here, BYTEA/TEXT there).

-- owner_name is '' for mailboxes without an owner, so the unique path constraint needs no NULL handling.
CREATE TABLE mbx_mailbox (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    namespace_name VARCHAR(100)  NOT NULL,
    owner_name     VARCHAR(320)  NOT NULL,
    mailbox_name   VARCHAR(1000) NOT NULL,
    uid_validity   BIGINT        NOT NULL,
    last_uid       BIGINT        NOT NULL,
    highest_modseq BIGINT        NOT NULL,
    CONSTRAINT mbx_mailbox_path UNIQUE (namespace_name, owner_name, mailbox_name)
);

CREATE TABLE mbx_acl (
    mailbox_id BIGINT       NOT NULL REFERENCES mbx_mailbox (id) ON DELETE CASCADE,
    entry_key  VARCHAR(400) NOT NULL,
    rights     VARCHAR(64)  NOT NULL,
    PRIMARY KEY (mailbox_id, entry_key)
);

-- One row per distinct message body; the file is <blobDirectory>/<hash[0..2]>/<hash>.
CREATE TABLE mbx_blob (
    hash      CHAR(64) NOT NULL PRIMARY KEY,
    byte_size BIGINT   NOT NULL,
    refcount  BIGINT   NOT NULL
);

-- Headers stay in the row (they differ per recipient); bodies are shared through mbx_blob.
CREATE TABLE mbx_message (
    mailbox_id    BIGINT      NOT NULL REFERENCES mbx_mailbox (id),
    uid           BIGINT      NOT NULL,
    message_id    VARCHAR(64) NOT NULL,
    thread_id     VARCHAR(64) NOT NULL,
    modseq        BIGINT      NOT NULL,
    internal_date BIGINT      NOT NULL,
    save_date     BIGINT,
    full_size     BIGINT      NOT NULL,
    body_start    INT         NOT NULL,
    text_lines    BIGINT,
    answered      BOOLEAN     NOT NULL,
    deleted       BOOLEAN     NOT NULL,
    draft         BOOLEAN     NOT NULL,
    flagged       BOOLEAN     NOT NULL,
    recent        BOOLEAN     NOT NULL,
    seen          BOOLEAN     NOT NULL,
    header_bytes  BLOB        NOT NULL,
    body_hash     CHAR(64)    NOT NULL,
    properties    CLOB        NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX mbx_message_by_message_id ON mbx_message (message_id);

CREATE TABLE mbx_keyword (
    mailbox_id BIGINT       NOT NULL,
    uid        BIGINT       NOT NULL,
    keyword    VARCHAR(250) NOT NULL,
    PRIMARY KEY (mailbox_id, uid, keyword),
    FOREIGN KEY (mailbox_id, uid) REFERENCES mbx_message (mailbox_id, uid) ON DELETE CASCADE
);

-- Every keyword ever set in a mailbox: IMAP's FLAGS list only grows, so clients never see a keyword vanish.
CREATE TABLE mbx_applicable_keyword (
    mailbox_id BIGINT       NOT NULL REFERENCES mbx_mailbox (id) ON DELETE CASCADE,
    keyword    VARCHAR(250) NOT NULL,
    PRIMARY KEY (mailbox_id, keyword)
);

CREATE TABLE mbx_subscription (
    user_name    VARCHAR(320)  NOT NULL,
    mailbox_name VARCHAR(1000) NOT NULL,
    PRIMARY KEY (user_name, mailbox_name)
);

-- No foreign key: annotations are keyed by mailbox id alone and removed with the mailbox by the mapper.
CREATE TABLE mbx_annotation (
    mailbox_id       BIGINT       NOT NULL,
    annotation_key   VARCHAR(250) NOT NULL,
    annotation_value CLOB         NOT NULL,
    PRIMARY KEY (mailbox_id, annotation_key)
);
