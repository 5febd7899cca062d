package org.postline.protocols.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import reactor.core.publisher.Mono;

/**
 * Lets a command complete only after the tasks it queued on the connection's I/O thread have run. Some
 * processors (STARTTLS, AUTHENTICATE) write their reply from such a task; the core handler, on a handler
 * thread, flushes the same response buffer when the command completes. Racing, the two could send one reply
 * twice, the second time inside the new TLS session.
 */
final class IoOrderedCompletion implements ImapProcessor {

    private final ImapProcessor next;

    IoOrderedCompletion(ImapProcessor next) {
        this.next = next;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return next.processReactive(message, responder, session)
            .then(ResponseHold.of(session).map(ResponseHold::afterQueuedIoTasks).orElse(Mono.empty()));
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }
}
