package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Where the content of an {@code mbx_blob} row lives: a file named by its hash, or the row's {@code content}
 * column (so every node sharing the database reads it). {@link BlobRefs} keeps the reference counts either way.
 */
interface BodyStore {

    /** Whether the content is stored; called holding the row's lock. */
    boolean has(Connection connection, String hash) throws SQLException;

    /** Stores the content, durably before the caller commits; called holding the row's lock. */
    void store(Connection connection, BlobFiles.Digest digest, BlobFiles.Source source)
        throws SQLException, MailboxException;

    /** Called in the transaction that deleted the row. */
    void removed(String hash) throws IOException;

    InputStream open(String hash) throws IOException;

    /**
     * The contents held in the rows of {@code bodyIds} ({@code mbx_blob.id}), by id, read in the caller's
     * transaction (one query for a batch of messages instead of one each); a body held elsewhere is absent
     * and read with {@link #open}.
     */
    default Map<Long, byte[]> inlineContents(Connection connection, Collection<Long> bodyIds) throws SQLException {
        return Map.of();
    }

    /** Start-up clean-up of interrupted writes. */
    void cleanUp() throws IOException;
}
