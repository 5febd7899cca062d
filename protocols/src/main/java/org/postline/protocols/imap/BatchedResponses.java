package org.postline.protocols.imap;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.base.ImapResponseComposerImpl;
import reactor.core.publisher.Mono;

/**
 * Encodes a command's responses itself, through a {@link BatchedResponseWriter}, instead of through the
 * responder James's core handler passes in (whose writer writes and flushes every line and literal on its
 * own). Everything is sent when a processor flushes (IDLE updates, continuation requests, STARTTLS's reply
 * before the TLS handler goes in) and when the command ends, before the core handler sees it end, so the
 * bytes and their order on the wire are those James would have written.
 */
final class BatchedResponses implements ImapProcessor {

    private final ImapProcessor next;
    private final ImapEncoder encoder;

    BatchedResponses(ImapProcessor next, ImapEncoder encoder) {
        this.next = next;
        this.encoder = encoder;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return ResponseHold.of(session)
            .flatMap(ResponseHold::channel)
            .map(channel -> {
                BatchedResponder batched = new BatchedResponder(encoder, new BatchedResponseWriter(channel));
                return next.processReactive(message, batched, session)
                    .onErrorResume(error -> {
                        batched.flush();
                        return Mono.error(error);
                    })
                    .then(Mono.defer(batched::end));
            })
            .orElseGet(() -> next.processReactive(message, responder, session));
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }

    /**
     * Like James's ResponseEncoder: an encoding failure (a body that cannot be read) is kept and reported
     * when the command ends, which closes the connection.
     */
    private static final class BatchedResponder implements Responder {
        private final ImapEncoder encoder;
        private final BatchedResponseWriter writer;
        private final ImapResponseComposerImpl composer;
        private IOException failure;

        BatchedResponder(ImapEncoder encoder, BatchedResponseWriter writer) {
            this.encoder = encoder;
            this.writer = writer;
            this.composer = new ImapResponseComposerImpl(writer);
            writer.pendingText(composer::flush);
        }

        @Override
        public synchronized void respond(ImapResponseMessage message) {
            try {
                encoder.encode(message, composer);
            } catch (IOException e) {
                failure = e;
            }
        }

        @Override
        public synchronized void flush() {
            try {
                composer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writer.flush();
        }

        synchronized Mono<Void> end() {
            flush();
            return failure == null ? Mono.empty() : Mono.error(failure);
        }
    }
}
