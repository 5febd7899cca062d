-- PostgreSQL twin of the Derby migration. Local domains, users and recipient rewrite rules.
CREATE TABLE domains (
    name VARCHAR(253) NOT NULL PRIMARY KEY
);

CREATE TABLE users (
    address       VARCHAR(320) NOT NULL PRIMARY KEY,
    domain        VARCHAR(253) NOT NULL REFERENCES domains (name),
    password_hash VARCHAR(512) NOT NULL
);

-- PostgreSQL does not index foreign keys by itself (Derby does).
CREATE INDEX users_domain ON users (domain);

CREATE TABLE recipient_rewrites (
    kind   VARCHAR(16)  NOT NULL,
    source VARCHAR(320) NOT NULL,
    target VARCHAR(320) NOT NULL,
    PRIMARY KEY (kind, source, target)
);

CREATE INDEX recipient_rewrites_source ON recipient_rewrites (source);
CREATE INDEX recipient_rewrites_target ON recipient_rewrites (target);
