package org.postline.api.config;

import java.util.Locale;

/**
 * Where message bodies (spool, repositories, mailboxes) are kept: as files under the blob directory, which
 * only this node can read, or in the database, which every node sharing it can read.
 */
public enum BodyStorage {
    FILES,
    DATABASE;

    /** In the database for PostgreSQL (a shared, multi-node database), as files otherwise. */
    public static BodyStorage defaultFor(String jdbcUrl) {
        return jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:") ? DATABASE : FILES;
    }
}
