package org.postline.protocols.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message of one DATA, streamed into a spool writer as it arrives (never held in memory). Once a
 * failure is recorded (too big, bad line, storage error) further content is ignored and the spool writer is
 * aborted, so nothing of the message is kept; the failure becomes the reply at the end of DATA.
 */
final class SpoolMailEnvelope implements MailEnvelope {

    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolMailEnvelope.class);

    private final Envelope envelope;
    private final MaybeSender sender;
    private final List<MailAddress> recipients;
    private final Spool.Writer writer;
    private final OutputStream content;
    private long size;
    private Optional<Response> failure = Optional.empty();
    private boolean finished;

    SpoolMailEnvelope(Envelope envelope, MaybeSender sender, List<MailAddress> recipients, Spool.Writer writer) {
        this.envelope = envelope;
        this.sender = sender;
        this.recipients = List.copyOf(recipients);
        this.writer = writer;
        // Unbuffered here: the spool's writer keeps small content in memory and buffers its own file.
        this.content = writer.content();
    }

    Envelope envelope() {
        return envelope;
    }

    /** Appends message bytes, unless the message has already failed. */
    void write(byte[] bytes, int offset, int length) {
        if (failure.isPresent() || finished) {
            return;
        }
        try {
            content.write(bytes, offset, length);
            size += length;
        } catch (IOException | RuntimeException e) {
            LOGGER.error("writing message {} to the spool failed", envelope.name(), e);
            fail(Replies.response("451", "4.3.0 Temporary storage failure; message not accepted, try again later"));
        }
    }

    /** Records the first failure and discards what was written so far. */
    void fail(Response reply) {
        if (failure.isEmpty()) {
            failure = Optional.of(reply);
        }
        abort();
    }

    Optional<Response> failure() {
        return failure;
    }

    /** Publishes the message in the spool (synced to disk when this returns). @return the spool id */
    String commit() {
        if (finished || failure.isPresent()) {
            throw new IllegalStateException("message " + envelope.name() + " was already finished or failed");
        }
        try {
            content.flush();
        } catch (IOException e) {
            abort();
            throw new StoreException("cannot write message " + envelope.name(), e);
        }
        finished = true;
        try {
            return writer.commit();
        } catch (RuntimeException e) {
            try {
                writer.abort();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Throws away the message unless committed; safe to call more than once. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            writer.abort();
        } catch (RuntimeException e) {
            LOGGER.warn("aborting spool write of {} failed", envelope.name(), e);
        }
    }

    @Override
    public long getSize() {
        return size;
    }

    @Override
    public List<MailAddress> getRecipients() {
        return recipients;
    }

    @Override
    public MaybeSender getMaybeSender() {
        return sender;
    }

    @Override
    @Deprecated
    public MailAddress getSender() {
        return sender.asOptional().orElse(MailAddress.nullSender());
    }

    @Override
    public OutputStream getMessageOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                SpoolMailEnvelope.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                SpoolMailEnvelope.this.write(bytes, offset, length);
            }
        };
    }

    /** The content lives in the spool only; it is not readable back through this envelope. */
    @Override
    public InputStream getMessageInputStream() throws IOException {
        throw new IOException("message " + envelope.name() + " is streamed to the spool and cannot be read back here");
    }
}
