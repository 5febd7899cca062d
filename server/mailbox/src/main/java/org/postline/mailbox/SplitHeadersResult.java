package org.postline.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.Headers;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.store.MessageResultImpl;
import org.apache.james.mailbox.store.ResultUtils;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.postline.mailbox.jdbc.HeaderBytes;
import org.reactivestreams.Publisher;

/**
 * James's message result whose header fields come from {@link HeaderFields} instead of a MIME parser set up
 * per message: ENVELOPE and header fetches over a whole mailbox spent most of their time in that set-up.
 * Only for results James would build without part contents; others are James's own.
 */
final class SplitHeadersResult extends MessageResultImpl {

    /** The profiles James's store serves (it refuses others). */
    private static final EnumSet<FetchGroup.Profile> SUPPORTED = EnumSet.of(FetchGroup.Profile.HEADERS,
        FetchGroup.Profile.HEADERS_WITH_ATTACHMENTS_METADATA, FetchGroup.Profile.BODY_CONTENT,
        FetchGroup.Profile.FULL_CONTENT, FetchGroup.Profile.MIME_DESCRIPTOR);

    private final MessageHeaders headers;

    private SplitHeadersResult(MailboxMessage message) {
        super(message);
        this.headers = new MessageHeaders(message);
    }

    /** The result James's store would give for {@code message}, with split header fields when it can. */
    static MessageResult of(MailboxMessage message, FetchGroup fetchGroup) throws MailboxException {
        if (fetchGroup != null && (!fetchGroup.getPartContentDescriptors().isEmpty()
                || !SUPPORTED.containsAll(fetchGroup.profiles()))) {
            return ResultUtils.loadMessageResult(message, fetchGroup);
        }
        return new SplitHeadersResult(message);
    }

    @Override
    public Headers getHeaders() {
        return headers;
    }

    private static final class MessageHeaders implements Headers {
        private final MailboxMessage message;
        private List<Header> fields;

        MessageHeaders(MailboxMessage message) {
            this.message = message;
        }

        @Override
        public Iterator<Header> headers() throws MailboxException {
            if (fields == null) {
                try {
                    fields = HeaderFields.split(headerBytes());
                } catch (IOException e) {
                    throw new MailboxException("Unable to parse headers", e);
                }
            }
            return fields.iterator();
        }

        private byte[] headerBytes() throws IOException {
            if (message instanceof HeaderBytes stored) {
                return stored.headerBytes();
            }
            try (InputStream in = message.getHeaderContent()) {
                return in.readAllBytes();
            }
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return message.getHeaderContent();
        }

        @Override
        public Publisher<ByteBuffer> reactiveBytes() {
            return message.getHeaderContentReactive();
        }

        @Override
        public long size() {
            return message.getHeaderOctets();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof MessageHeaders headers && message.equals(headers.message);
        }

        @Override
        public int hashCode() {
            return message.hashCode();
        }
    }
}
