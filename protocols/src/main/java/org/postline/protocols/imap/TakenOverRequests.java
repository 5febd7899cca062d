package org.postline.protocols.imap;

import java.util.function.BiPredicate;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import reactor.core.publisher.Mono;

/**
 * A processor chain link that hands the requests of one type, when {@code when} holds for them, to a processor
 * of ours, and every other request to James's {@code next} one. Both are configured alike.
 */
final class TakenOverRequests<R extends ImapMessage> implements ImapProcessor {

    private final Class<R> type;
    private final BiPredicate<R, ImapSession> when;
    private final ImapProcessor ours;
    private final ImapProcessor next;

    TakenOverRequests(Class<R> type, BiPredicate<R, ImapSession> when, ImapProcessor ours, ImapProcessor next) {
        this.type = type;
        this.when = when;
        this.ours = ours;
        this.next = next;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return type.isInstance(message) && when.test(type.cast(message), session)
            ? ours.processReactive(message, responder, session)
            : next.processReactive(message, responder, session);
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        next.configure(configuration);
        ours.configure(configuration);
    }
}
