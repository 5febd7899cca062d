package org.postline.mailbox.jdbc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;

/**
 * A message read from the store. The header comes from the row (loaded on first use for metadata-only
 * fetches), the body read with it (batch reads of full messages) or from its store when asked, so the bytes are exactly those that were appended.
 */
final class StoredMessage extends SimpleMailboxMessage implements HeaderBytes {

    /** Supplies the header bytes; may hit the database. */
    @FunctionalInterface
    interface HeaderSource {
        byte[] load() throws IOException;
    }

    /** Supplies the encoded MIME properties ({@link PropertiesCodec}); may hit the database. */
    @FunctionalInterface
    interface PropertiesSource {
        String load() throws IOException;
    }

    private final StoredContent content;
    private final PropertiesSource propertiesSource;
    private final Long textLines;
    private volatile Properties properties;

    private StoredMessage(MessageId messageId, ThreadId threadId, Date internalDate, long size, int bodyStart,
                          StoredContent content, Flags flags, PropertiesSource propertiesSource, Long textLines,
                          MailboxId mailboxId, Optional<Date> saveDate) {
        super(messageId, threadId, internalDate, size, bodyStart, content, flags, new Properties(List.of(), textLines),
            mailboxId, List.of(), saveDate);
        this.content = content;
        this.propertiesSource = propertiesSource;
        this.textLines = textLines;
    }

    /** Properties are decoded on first use: most commands (flags, sizes, envelopes, searches) never need them. */
    static StoredMessage create(MessageId messageId, ThreadId threadId, Date internalDate, long size, int bodyStart,
                                HeaderSource header, String bodyHash, Optional<byte[]> body, BodyStore files,
                                Flags flags, PropertiesSource properties, Long textLines, MailboxId mailboxId,
                                Optional<Date> saveDate) {
        StoredContent content = new StoredContent(header, bodyHash, body.orElse(null), size, files);
        return new StoredMessage(messageId, threadId, internalDate, size, bodyStart, content, flags, properties,
            textLines, mailboxId, saveDate);
    }

    @Override
    public Properties getProperties() {
        Properties loaded = properties;
        if (loaded == null) {
            try {
                loaded = new Properties(PropertiesCodec.decode(propertiesSource.load()), textLines);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            properties = loaded;
        }
        return loaded;
    }

    @Override
    public String getMediaType() {
        return getProperties().getMediaType();
    }

    @Override
    public String getSubType() {
        return getProperties().getSubType();
    }

    /** The text line count as stored, without decoding the properties. */
    Long textLines() {
        return textLines;
    }

    String bodyHash() {
        return content.bodyHash;
    }

    @Override
    public byte[] headerBytes() throws IOException {
        return content.header();
    }

    @Override
    public InputStream getHeaderContent() throws IOException {
        return new ByteArrayInputStream(content.header());
    }

    @Override
    public InputStream getBodyContent() throws IOException {
        return content.body();
    }

    private static final class StoredContent implements Content {
        private final HeaderSource headerSource;
        private final String bodyHash;
        private final long size;
        private final BodyStore files;
        /** The body when it was read with the row (a batch read); null: read from the store when asked. */
        private final byte[] loadedBody;
        private volatile byte[] header;

        StoredContent(HeaderSource headerSource, String bodyHash, byte[] loadedBody, long size, BodyStore files) {
            this.headerSource = headerSource;
            this.bodyHash = bodyHash;
            this.loadedBody = loadedBody;
            this.size = size;
            this.files = files;
        }

        byte[] header() throws IOException {
            byte[] loaded = header;
            if (loaded == null) {
                loaded = headerSource.load();
                header = loaded;
            }
            return loaded;
        }

        InputStream body() throws IOException {
            return loadedBody != null ? new ByteArrayInputStream(loadedBody) : files.open(bodyHash);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return loadedBody != null ? new HeaderAndBodyStream(header(), loadedBody)
                : new SequenceInputStream(new ByteArrayInputStream(header()), body());
        }

        @Override
        public long size() {
            return size;
        }
    }
}
