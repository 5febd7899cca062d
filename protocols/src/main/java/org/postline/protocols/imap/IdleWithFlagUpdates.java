package org.postline.protocols.imap;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.IdleRequest;
import org.apache.james.imap.message.response.ContinuationResponse;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.processor.AbstractMailboxProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxEvents.Expunged;
import org.apache.james.mailbox.events.MailboxEvents.FlagsUpdated;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.util.MDCBuilder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Serves IDLE in place of James's IdleProcessor (which stays in James's chain only to advertise IDLE).
 * James 3.8.1's idle listener gathers the selected mailbox's flag updates when the event is handed to it,
 * before the selected mailbox has recorded that event, then clears them: another session's STORE never
 * reaches an idling client. Here the updates are gathered only once the selected mailbox has recorded them.
 */
final class IdleWithFlagUpdates extends AbstractMailboxProcessor<IdleRequest> {

    private static final String DONE = "DONE";

    private volatile Duration heartbeatInterval = Duration.ZERO;

    private IdleWithFlagUpdates(MailboxManager mailboxes, MetricFactory metrics) {
        super(IdleRequest.class, mailboxes, new UnpooledStatusResponseFactory(), metrics);
    }

    /** {@code next} with IDLE commands taken over by this processor; everything else goes to {@code next}. */
    static ImapProcessor inFrontOf(ImapProcessor next, MailboxManager mailboxes, MetricFactory metrics) {
        return new TakenOverRequests<>(IdleRequest.class, (request, session) -> true,
            new IdleWithFlagUpdates(mailboxes, metrics), next);
    }

    @Override
    public void configure(ImapConfiguration configuration) {
        super.configure(configuration);
        heartbeatInterval = configuration.isEnableIdle() ? configuration.idleTimeIntervalAsDuration() : Duration.ZERO;
    }

    @Override
    protected Mono<Void> processRequestReactive(IdleRequest request, ImapSession session, Responder responder) {
        SelectedMailbox selected = session.getSelected();
        AtomicBoolean idling = new AtomicBoolean(true);
        if (selected != null) {
            selected.registerIdle(new ChangeReporter(session, responder));
        }
        session.pushLineHandler((lineSession, line) -> {
            if (selected != null) {
                selected.unregisterIdle();
            }
            idling.set(false);
            String text = new String(line, StandardCharsets.US_ASCII).strip();
            if (DONE.equalsIgnoreCase(text)) {
                okComplete(request, responder);
            } else {
                // The client's line is not echoed back: it may hold anything.
                responder.respond(getStatusResponseFactory().taggedBad(request.getTag(), request.getCommand(),
                    new HumanReadableText("org.apache.james.imap.INVALID_CONTINUATION", "failed. Expected DONE.")));
            }
            responder.flush();
            lineSession.popLineHandler();
        });
        if (!heartbeatInterval.isZero() && !heartbeatInterval.isNegative()) {
            scheduleHeartbeat(session, responder, idling);
        }
        // The continuation goes out after the listener is registered, so no change made meanwhile is missed.
        responder.respond(new ContinuationResponse(HumanReadableText.IDLING));
        return Mono.defer(() -> unsolicitedResponses(session, responder, false))
            .then(Mono.fromRunnable(responder::flush));
    }

    /** An untagged OK now and then, so that clients and middleboxes do not drop a quiet connection. */
    private void scheduleHeartbeat(ImapSession session, Responder responder, AtomicBoolean idling) {
        session.schedule(() -> {
            if (idling.get() && session.getState() != ImapSessionState.LOGOUT) {
                responder.respond(getStatusResponseFactory().untaggedOk(HumanReadableText.HEARTBEAT));
                responder.flush();
                scheduleHeartbeat(session, responder, idling);
            }
        }, heartbeatInterval);
    }

    @Override
    protected MDCBuilder mdc(IdleRequest request) {
        return MDCBuilder.create().addToContext(MDCBuilder.ACTION, "IDLE");
    }

    /** Called by the selected mailbox for each of its events, once it has recorded the event itself. */
    private final class ChangeReporter implements EventListener.ReactiveEventListener {
        private final ImapSession session;
        private final Responder responder;

        ChangeReporter(ImapSession session, Responder responder) {
            this.session = session;
            this.responder = responder;
        }

        @Override
        public boolean isHandling(Event event) {
            return event instanceof Added || event instanceof Expunged || event instanceof FlagsUpdated;
        }

        @Override
        public Publisher<Void> reactiveEvent(Event event) {
            if (!isHandling(event)) {
                return Mono.empty();
            }
            // Deferred: the selected mailbox asks for this publisher before recording the event and subscribes
            // to it after; reading its recorded changes at subscription sees this event's.
            return Mono.defer(() -> unsolicitedResponses(session, responder, false))
                .then(Mono.fromRunnable(responder::flush));
        }
    }
}
