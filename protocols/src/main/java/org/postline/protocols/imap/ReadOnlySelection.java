package org.postline.protocols.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.CloseRequest;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.imap.message.request.ExpungeRequest;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.request.ReplaceRequest;
import org.apache.james.imap.message.request.SelectRequest;
import org.apache.james.imap.message.request.StoreRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import reactor.core.publisher.Mono;

/**
 * Keeps a mailbox opened with EXAMINE unchanged, as RFC 3501 (6.3.2) requires, where James 3.8.1 treats it as
 * opened with SELECT:
 * <ul>
 * <li>STORE, EXPUNGE, UID EXPUNGE, MOVE (RFC 6851) and REPLACE (RFC 8508) are refused with a tagged
 * {@code NO [READ-ONLY]};</li>
 * <li>CLOSE deselects without expunging (RFC 3501 6.4.2) and answers OK;</li>
 * <li>a FETCH that would set \Seen (BODY[], RFC822 and the like) is handed on in its BODY.PEEK[] form, whose
 * replies name the items alike.</li>
 * </ul>
 * James's selection does not tell how it was opened, so a session attribute does. EXAMINE marks the session
 * read-only whatever its outcome: a failed EXAMINE may leave a selection behind (James does not deselect on
 * failure), and the client believes it has none, so refusing changes to it is safe. SELECT marks it writeable
 * once it succeeded, or once it replaced the selection even though it then failed; a SELECT failing before that
 * leaves the mark as it was. Everything else is handed on as it is.
 */
final class ReadOnlySelection implements ImapProcessor {

    private static final String READ_ONLY = "org.postline.imap.readOnlySelection";

    private final ImapProcessor next;
    private final StatusResponseFactory responses = new UnpooledStatusResponseFactory();

    ReadOnlySelection(ImapProcessor next) {
        this.next = next;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof ExamineRequest) {
            session.setAttribute(READ_ONLY, Boolean.TRUE);
            return next.processReactive(message, responder, session);
        }
        if (message instanceof SelectRequest select) {
            return selecting(select, responder, session);
        }
        if (!readOnly(session)) {
            return next.processReactive(message, responder, session);
        }
        if (message instanceof FetchRequest fetch && fetch.getFetch().isSetSeen()) {
            return next.processReactive(
                new FetchRequest(fetch.isUseUids(), fetch.getIdSet(), peek(fetch.getFetch()), fetch.getTag()),
                responder, session);
        }
        if (message instanceof StoreRequest || message instanceof ExpungeRequest || message instanceof MoveRequest
                || message instanceof ReplaceRequest) {
            ImapRequest request = (ImapRequest) message;
            responder.respond(responses.taggedNo(request.getTag(), request.getCommand(),
                HumanReadableText.MAILBOX_IS_READ_ONLY, ResponseCode.readOnly()));
            return Mono.empty();
        }
        if (message instanceof CloseRequest close) {
            return session.deselect().then(Mono.fromRunnable(() -> {
                session.setAttribute(READ_ONLY, Boolean.FALSE);
                responder.respond(responses.taggedOk(close.getTag(), close.getCommand(), HumanReadableText.COMPLETED));
            }));
        }
        return next.processReactive(message, responder, session);
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        next.configure(configuration);
    }

    /** True if a mailbox is selected and was opened with EXAMINE. */
    private static boolean readOnly(ImapSession session) {
        return session.getSelected() != null && Boolean.TRUE.equals(session.getAttribute(READ_ONLY));
    }

    /** Hands SELECT on; marks the selection writeable if it succeeded or replaced the one there was. */
    private Mono<Void> selecting(SelectRequest select, Responder responder, ImapSession session) {
        SelectedMailbox before = session.getSelected();
        TaggedOkWatch watch = new TaggedOkWatch(responder, select.getTag());
        return next.processReactive(select, watch, session)
            .doOnTerminate(() -> {
                SelectedMailbox after = session.getSelected();
                if (after != null && (watch.succeeded || after != before)) {
                    session.setAttribute(READ_ONLY, Boolean.FALSE);
                }
            });
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

    /** Passes responses on, noting whether the command with {@code tag} was answered OK. */
    private static final class TaggedOkWatch implements Responder {
        private final Responder responder;
        private final Tag tag;
        private volatile boolean succeeded;

        TaggedOkWatch(Responder responder, Tag tag) {
            this.responder = responder;
            this.tag = tag;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && status.getServerResponseType() == StatusResponse.Type.OK
                    && tag.equals(status.getTag())) {
                succeeded = true;
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
