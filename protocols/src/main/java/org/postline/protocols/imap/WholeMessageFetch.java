package org.postline.protocols.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.mail.Flags;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.SectionType;
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
import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.MessageSequenceNumber;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MessageRangeException;
import org.apache.james.mailbox.model.Content;
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
 * Serves the FETCH of whole messages (BODY[], BODY.PEEK[], RFC822, possibly with UID, FLAGS, RFC822.SIZE,
 * INTERNALDATE) in place of James's FetchProcessor, with James's responses. James sets \Seen with one update,
 * hence one transaction and one disk sync, per unseen message (seconds for a thousand new messages); here the
 * unseen messages get \Seen in one update per run of consecutive uids of up to 250 messages, before they are sent.
 * Partial fetches, sections, other items, CONDSTORE and QRESYNC sessions stay James's.
 */
final class WholeMessageFetch extends AbstractMailboxProcessor<FetchRequest> {

    private static final Logger LOGGER = LoggerFactory.getLogger(WholeMessageFetch.class);
    private static final Set<Item> SERVED = EnumSet.of(Item.UID, Item.FLAGS, Item.SIZE, Item.INTERNAL_DATE);
    /** Messages whose \Seen is set by one update (per run of consecutive uids among them). */
    private static final int SEEN_BATCH = 250;

    /** James's processor, for a request this one turns out not to serve once the mailbox is known. */
    private final ImapProcessor james;

    private WholeMessageFetch(MailboxManager mailboxes, MetricFactory metrics, ImapProcessor james) {
        super(FetchRequest.class, mailboxes, new UnpooledStatusResponseFactory(), metrics);
        this.james = james;
    }

    /** {@code next} with whole-message FETCH commands taken over; everything else goes to {@code next}. */
    static ImapProcessor inFrontOf(ImapProcessor next, MailboxManager mailboxes, MetricFactory metrics) {
        return new TakenOverRequests<>(FetchRequest.class, (request, session) -> serves(request.getFetch(), session),
            new WholeMessageFetch(mailboxes, metrics, next), next);
    }

    static boolean serves(FetchData fetch, ImapSession session) {
        Set<?> enabled = EnableProcessor.getEnabledCapabilities(session);
        if (enabled.contains(ImapConstants.SUPPORTS_QRESYNC) || enabled.contains(ImapConstants.SUPPORTS_CONDSTORE)) {
            return false;
        }
        return serves(fetch);
    }

    static boolean serves(FetchData fetch) {
        if (fetch.getBodyElements().isEmpty() || fetch.getChangedSince() != -1 || fetch.getVanished()) {
            return false;
        }
        for (BodyFetchElement element : fetch.getBodyElements()) {
            if (element.getSectionType() != SectionType.CONTENT || (element.getPath() != null && element.getPath().length > 0)
                    || element.getFirstOctet() != null || element.getNumberOfOctets() != null
                    || (element.getFieldNames() != null && !element.getFieldNames().isEmpty())) {
                return false;
            }
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
        FetchData fetch = request.getFetch();
        return Mono.from(getMailboxManager().getMailboxReactive(selected.getMailboxId(), mailboxSession))
            .flatMap(mailbox -> {
                if (fetch.isSetSeen() && !writeable(mailbox, mailboxSession)) {
                    // James answers as far as the first unseen message, then fails: left to it.
                    return Mono.from(james.processReactive(request, responder, session)).then(Mono.just(false));
                }
                List<MessageRange> ranges;
                try {
                    ranges = ranges(request, selected);
                } catch (MessageRangeException e) {
                    return Mono.error(e);
                }
                return respond(ranges, mailbox, mailboxSession, selected, fetch, responder).then(Mono.just(true));
            })
            .filter(answered -> answered)
            // As in MetadataFetch: no expunges after a FETCH by sequence number (IMAP-284); flag changes gathered
            // once the messages are sent.
            .flatMap(answered -> Mono.defer(() -> unsolicitedResponses(session, responder, !request.isUseUids(),
                    request.isUseUids()))
                .then(Mono.fromRunnable(() -> okComplete(request, responder))))
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

    private static boolean writeable(MessageManager mailbox, MailboxSession session) {
        try {
            return mailbox.isWriteable(session);
        } catch (MailboxException e) {
            return false;
        }
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
                                      SelectedMailbox selected, FetchData fetch, Responder responder) {
        return Flux.fromIterable(ranges)
            .concatMap(range -> Flux.from(mailbox.getMessagesReactive(range, FetchGroup.FULL_CONTENT, session))
                // A message the client has not been told of yet (added since its last EXISTS) is left out.
                .filter(result -> selected.msn(result.getUid()).asInt().isPresent())
                .buffer(SEEN_BATCH)
                .concatMap(batch -> markSeen(batch, mailbox, session, fetch)
                    .doOnNext(seenNow -> {
                        for (MessageResult result : batch) {
                            selected.msn(result.getUid()).ifPresent(msn -> response(msn, result, selected, fetch, seenNow)
                                .ifPresent(responder::respond));
                        }
                    })))
            .then();
    }

    /**
     * Sets \Seen on the messages of {@code batch} that lack it, if the fetch is to set it, in one update per run
     * of consecutive uids: the uids it set it on, whose responses then tell their flags, as James's do.
     */
    private static Mono<Set<MessageUid>> markSeen(List<MessageResult> batch, MessageManager mailbox,
                                                  MailboxSession session, FetchData fetch) {
        if (!fetch.isSetSeen()) {
            return Mono.just(Set.of());
        }
        List<MessageUid> unseen = new ArrayList<>();
        for (MessageResult result : batch) {
            if (!result.getFlags().contains(Flags.Flag.SEEN)) {
                unseen.add(result.getUid());
            }
        }
        if (unseen.isEmpty()) {
            return Mono.just(Set.of());
        }
        return Flux.fromIterable(MessageRange.toRanges(unseen))
            .concatMap(run -> Mono.from(mailbox.setFlagsReactive(new Flags(Flags.Flag.SEEN), FlagsUpdateMode.ADD, run,
                session)))
            .then(Mono.fromCallable(() -> new HashSet<>(unseen)));
    }

    /**
     * The response James builds: items in its order, FLAGS when asked for or when this fetch set \Seen. None
     * when the message cannot be read, which James skips too.
     */
    private static Optional<FetchResponse> response(MessageSequenceNumber msn, MessageResult result,
                                                    SelectedMailbox selected, FetchData fetch, Set<MessageUid> seenNow) {
        MessageUid uid = result.getUid();
        Content content;
        try {
            content = result.getFullContent();
        } catch (MailboxException | IOException e) {
            LOGGER.error("Unable to fetch message with uid {}, so skip it", uid, e);
            return Optional.empty();
        }
        List<FetchResponse.BodyElement> elements = new ArrayList<>(fetch.getBodyElements().size());
        for (BodyFetchElement element : fetch.getBodyElements()) {
            elements.add(new WholeMessage(element.getResponseName(), content));
        }
        Flags flags = null;
        boolean setSeen = seenNow.contains(uid);
        if (fetch.contains(Item.FLAGS) || setSeen) {
            flags = result.getFlags();
            if (setSeen) {
                flags.add(Flags.Flag.SEEN);
            }
            if (selected.isRecent(uid)) {
                flags.add(Flags.Flag.RECENT);
            }
        }
        return Optional.of(new FetchResponse(msn, flags, fetch.contains(Item.UID) ? uid : null, null, null,
            fetch.contains(Item.INTERNAL_DATE) ? result.getInternalDate() : null,
            fetch.contains(Item.SIZE) ? result.getSize() : null, null, null, null, elements, null, null));
    }

    @Override
    protected MDCBuilder mdc(FetchRequest request) {
        return MDCBuilder.create()
            .addToContext(MDCBuilder.ACTION, "FETCH")
            .addToContext("useUid", Boolean.toString(request.isUseUids()))
            .addToContext("idSet", IdRange.toString(request.getIdSet()))
            .addToContext("fetchedData", request.getFetch().toString());
    }

    /** A whole message as a literal named as the client asked (BODY[], RFC822). */
    private record WholeMessage(String name, Content content) implements FetchResponse.BodyElement {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public long size() throws IOException {
            try {
                return content.size();
            } catch (MailboxException e) {
                throw new IOException("Unable to get the size of a message", e);
            }
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return content.getInputStream();
        }
    }
}
