package org.postline.protocols.imap;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.mail.Flags;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.processor.AbstractMailboxProcessor;
import org.apache.james.imap.processor.EnableProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageSequenceNumber;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.util.MDCBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves the FETCH that clients send for a whole mailbox after SELECT, of metadata only (any of UID, FLAGS,
 * RFC822.SIZE, INTERNALDATE), in place of James's FetchProcessor, which builds every message's response through
 * reactive steps of its own (half the command's CPU on 10,000 messages). The responses are the objects James
 * builds, for the same messages, in the same order, encoded by James's encoder. Any other FETCH (bodies,
 * headers, ENVELOPE, MODSEQ, CHANGEDSINCE, VANISHED, ...) goes to James.
 */
final class MetadataFetch extends AbstractMailboxProcessor<FetchRequest> {

    private static final Logger LOGGER = LoggerFactory.getLogger(MetadataFetch.class);
    private static final Set<Item> SERVED = EnumSet.of(Item.UID, Item.FLAGS, Item.SIZE, Item.INTERNAL_DATE);

    private MetadataFetch(MailboxManager mailboxes, MetricFactory metrics) {
        super(FetchRequest.class, mailboxes, new UnpooledStatusResponseFactory(), metrics);
    }

    /** {@code next} with metadata-only FETCH commands taken over; everything else goes to {@code next}. */
    static ImapProcessor inFrontOf(ImapProcessor next, MailboxManager mailboxes, MetricFactory metrics) {
        return new TakenOverRequests<>(FetchRequest.class, (request, session) -> serves(request.getFetch(), session),
            new MetadataFetch(mailboxes, metrics), next);
    }

    /**
     * Whether {@code fetch} asks for nothing but metadata this processor answers as James would. With QRESYNC
     * enabled James adds UID and MODSEQ to every FETCH: those stay James's.
     */
    static boolean serves(FetchData fetch, ImapSession session) {
        if (EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_QRESYNC)) {
            return false;
        }
        return serves(fetch);
    }

    static boolean serves(FetchData fetch) {
        if (!fetch.getBodyElements().isEmpty() || fetch.isSetSeen() || fetch.getChangedSince() != -1 || fetch.getVanished()) {
            return false;
        }
        for (Item item : Item.values()) {
            if (fetch.contains(item) && !SERVED.contains(item)) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected Mono<Void> processRequestReactive(FetchRequest request, ImapSession session, Responder responder) {
        SelectedMailbox selected = session.getSelected();
        MailboxSession mailboxSession = session.getMailboxSession();
        if (selected == null) {
            no(request, responder, HumanReadableText.SEARCH_FAILED);
            return Mono.empty();
        }
        Wanted wanted = Wanted.of(request.getFetch());
        return Mono.from(getMailboxManager().getMailboxReactive(selected.getMailboxId(), mailboxSession))
            .flatMap(mailbox -> {
                List<MessageRange> ranges;
                try {
                    ranges = ranges(request, selected);
                } catch (MessageRangeException e) {
                    return Mono.error(e);
                }
                return respond(ranges, mailbox, mailboxSession, selected, wanted, responder);
            })
            // Expunges are not told after a FETCH by sequence number: the client's numbers must stay put (IMAP-284).
            // The flag changes to tell are gathered once the messages are sent (James gathers them before, and
            // then forgets those that came meanwhile, which the client would never be told of).
            .then(Mono.defer(() -> unsolicitedResponses(session, responder, !request.isUseUids(), request.isUseUids())))
            .then(Mono.fromRunnable(() -> okComplete(request, responder)))
            .onErrorResume(MessageRangeException.class, e -> {
                LOGGER.debug("FETCH of an invalid message set {} in mailbox {}", IdRange.toString(request.getIdSet()),
                    selected.getMailboxId(), e);
                taggedBad(request, responder, HumanReadableText.INVALID_MESSAGESET);
                return Mono.empty();
            })
            .onErrorResume(MailboxException.class, e -> {
                LOGGER.error("FETCH failed in mailbox {}", selected.getMailboxId(), e);
                no(request, responder, HumanReadableText.SEARCH_FAILED);
                return Mono.empty();
            })
            .then();
    }

    /** The uid ranges of the request, bounded by the mailbox as the client knows it. */
    private List<MessageRange> ranges(FetchRequest request, SelectedMailbox selected) throws MessageRangeException {
        List<MessageRange> ranges = new ArrayList<>();
        for (IdRange range : request.getIdSet()) {
            MessageRange uids = messageRange(selected, range, request.isUseUids())
                .orElseThrow(() -> new MessageRangeException(range.getFormattedString() + " is an invalid range"));
            MessageRange bounded = normalizeMessageRange(selected, uids);
            ranges.add(MessageRange.range(bounded.getUidFrom(), bounded.getUidTo()));
        }
        return ranges;
    }

    private static Mono<Void> respond(List<MessageRange> ranges, MessageManager mailbox, MailboxSession session,
                                      SelectedMailbox selected, Wanted wanted, Responder responder) {
        return Flux.fromIterable(ranges)
            .concatMap(range -> Flux.from(mailbox.getMessagesReactive(range, FetchGroup.MINIMAL, session)))
            .doOnNext(result -> {
                // A message the client has not been told of yet (added since its last EXISTS) is left out.
                selected.msn(result.getUid()).ifPresent(msn -> responder.respond(wanted.response(msn, result, selected)));
            })
            .then();
    }

    @Override
    protected MDCBuilder mdc(FetchRequest request) {
        return MDCBuilder.create()
            .addToContext(MDCBuilder.ACTION, "FETCH")
            .addToContext("useUid", Boolean.toString(request.isUseUids()))
            .addToContext("idSet", IdRange.toString(request.getIdSet()))
            .addToContext("fetchedData", request.getFetch().toString());
    }

    /** The items to answer. */
    private record Wanted(boolean uid, boolean flags, boolean size, boolean internalDate) {

        static Wanted of(FetchData fetch) {
            return new Wanted(fetch.contains(Item.UID), fetch.contains(Item.FLAGS), fetch.contains(Item.SIZE),
                fetch.contains(Item.INTERNAL_DATE));
        }

        FetchResponse response(MessageSequenceNumber msn, MessageResult result, SelectedMailbox selected) {
            MessageUid uid = result.getUid();
            Flags flags = null;
            if (this.flags) {
                flags = result.getFlags();
                if (selected.isRecent(uid)) {
                    flags.add(Flags.Flag.RECENT);
                }
            }
            return new FetchResponse(msn, flags, this.uid ? uid : null, null, null,
                internalDate ? result.getInternalDate() : null, size ? result.getSize() : null, null, null, null,
                new ArrayList<>(0), null, null);
        }
    }
}
