package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.time.Duration;

import org.apache.james.mailbox.exception.MailboxException;

/** Bodies as files under the blob directory, named by their hash ({@link BlobFiles}). */
final class FileBodies implements BodyStore {

    // Older than any write in progress, even of a huge message on a slow disk.
    private static final Duration STALE_TEMPORARY_FILE_AGE = Duration.ofHours(1);

    private final BlobFiles files;

    FileBodies(BlobFiles files) {
        this.files = files;
    }

    @Override
    public boolean has(Connection connection, String hash) {
        return files.exists(hash);
    }

    @Override
    public void store(Connection connection, BlobFiles.Digest digest, BlobFiles.Source source) throws MailboxException {
        try {
            files.write(digest, source);
        } catch (IOException e) {
            throw new MailboxException("Could not store message body", e);
        }
    }

    @Override
    public void removed(String hash) throws IOException {
        files.delete(hash);
    }

    @Override
    public InputStream open(String hash) throws IOException {
        return files.open(hash);
    }

    @Override
    public void cleanUp() throws IOException {
        files.deleteStaleTemporaryFiles(STALE_TEMPORARY_FILE_AGE);
    }
}
