package org.postline.mailbox.jdbc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Bodies of at most {@code inlineLimit} bytes in the {@code content} column of their {@code mbx_blob} row,
 * written in the transaction that inserts the message (one log sync instead of a file sync, a directory sync
 * and the log sync); larger ones as files. Per blob: a null {@code content} means the body is a file, which is
 * also how every body written before bodies went inline is found.
 */
final class InlineOrFileBodies implements BodyStore {

    private final DatabaseBodies rows;
    private final FileBodies files;
    private final long inlineLimit;

    InlineOrFileBodies(DatabaseBodies rows, FileBodies files, long inlineLimit) {
        this.rows = rows;
        this.files = files;
        this.inlineLimit = inlineLimit;
    }

    @Override
    public boolean has(Connection connection, String hash) throws SQLException {
        return rows.has(connection, hash) || files.has(connection, hash);
    }

    @Override
    public void store(Connection connection, BlobFiles.Digest digest, BlobFiles.Source source)
            throws SQLException, MailboxException {
        if (digest.size() <= inlineLimit) {
            rows.store(connection, digest, source);
        } else {
            files.store(connection, digest, source);
        }
    }

    /** A file may exist whatever the row held: one written before a crash, or before bodies went inline. */
    @Override
    public void removed(String hash) throws IOException {
        files.removed(hash);
    }

    @Override
    public InputStream open(String hash) throws IOException {
        Optional<byte[]> inline = rows.content(hash);
        return inline.isPresent() ? new ByteArrayInputStream(inline.get()) : files.open(hash);
    }

    @Override
    public Map<Long, byte[]> inlineContents(Connection connection, Collection<Long> bodyIds) throws SQLException {
        return rows.inlineContents(connection, bodyIds);
    }

    @Override
    public void cleanUp() throws IOException {
        files.cleanUp();
    }

}
