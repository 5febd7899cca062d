package org.postline.protocols.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import reactor.core.publisher.Mono;

/**
 * Sends every BYE out as soon as it is written. When a command logs the session out (an unknown command
 * before login, too many invalid commands), James's core handler closes the connection before flushing the
 * command's responses, and the client would never learn why. Ends the session a {@link CommandDecoder.SessionEnd}
 * asks to end: its BYE goes out before the logout, so whatever closes the connection on seeing the logout
 * closes it after the BYE.
 */
final class FlushedBye implements ImapProcessor {

    private final ImapProcessor next;

    FlushedBye(ImapProcessor next) {
        this.next = next;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof CommandDecoder.SessionEnd end) {
            return Mono.fromRunnable(() -> {
                responder.respond(end.bye());
                responder.flush();
            }).then(Mono.defer(session::logout));
        }
        return next.processReactive(message, new Responder() {
            @Override
            public void respond(ImapResponseMessage response) {
                responder.respond(response);
                if (response instanceof StatusResponse status && status.getServerResponseType() == StatusResponse.Type.BYE) {
                    responder.flush();
                }
            }

            @Override
            public void flush() {
                responder.flush();
            }
        }, session);
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }
}
