package org.postline.container.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where the bytes of a message live (the spool, a repository, memory). Opened as often as needed and never
 * changed, so several {@link SourcedMimeMessage}s may share one source.
 */
public interface MessageSource {

    InputStream open() throws IOException;

    /** Size in bytes, or -1 when unknown. */
    long size();

    static MessageSource ofBytes(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new MessageSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public long size() {
                return copy.length;
            }
        };
    }
}
