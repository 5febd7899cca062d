package org.postline.protocols.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.request.SelectRequest;
import reactor.core.publisher.Mono;

/**
 * Keeps FETCH from changing a mailbox opened with EXAMINE: RFC 3501 allows no change to it, per-user state
 * included, yet James 3.8.1 sets \Seen there for BODY[], RFC822 and the like. Such a FETCH is handed on in its
 * BODY.PEEK[] form, whose replies name the items alike. Everything else is handed on as it is.
 */
final class ReadOnlySelection implements ImapProcessor {

    private static final String READ_ONLY = "org.postline.imap.readOnlySelection";

    private final ImapProcessor next;

    ReadOnlySelection(ImapProcessor next) {
        this.next = next;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        ImapMessage handedOn = message;
        if (message instanceof ExamineRequest) {
            session.setAttribute(READ_ONLY, Boolean.TRUE);
        } else if (message instanceof SelectRequest) {
            session.setAttribute(READ_ONLY, Boolean.FALSE);
        } else if (message instanceof FetchRequest fetch && fetch.getFetch().isSetSeen()
                && Boolean.TRUE.equals(session.getAttribute(READ_ONLY))) {
            handedOn = new FetchRequest(fetch.isUseUids(), fetch.getIdSet(), peek(fetch.getFetch()), fetch.getTag());
        }
        return next.processReactive(handedOn, responder, session);
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        next.configure(configuration);
    }

    /** {@code fetch} with every body item peeked. */
    static FetchData peek(FetchData fetch) {
        FetchData.Builder peek = FetchData.builder();
        for (Item item : Item.values()) {
            if (fetch.contains(item)) {
                peek.fetch(item);
            }
        }
        for (BodyFetchElement element : fetch.getBodyElements()) {
            peek.add(element, true);
        }
        if (fetch.getChangedSince() != -1) {
            peek.changedSince(fetch.getChangedSince());
        }
        return peek.vanished(fetch.getVanished()).build();
    }
}
