package org.postline.protocols.imap;

import java.time.Duration;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Slows down password guessing: every failed LOGIN or AUTHENTICATE is answered only after a pause (during
 * which the connection reads nothing), and after the configured number of failures the connection gets a
 * BYE and is closed. James's own rule (BYE after exactly 3 failures, no pause) is neutralised by clearing
 * its counter before each attempt, so that this one decides.
 */
final class LoginThrottle implements ImapProcessor {

    private static final Logger LOGGER = LoggerFactory.getLogger(LoginThrottle.class);
    /** Where James's AbstractAuthProcessor counts failures (a private constant there). */
    private static final String JAMES_FAILURE_COUNT = "org.apache.james.imap.processor.imap4rev1.NUMBER_OF_FAILURES";
    private static final String FAILURES = "postline.loginFailures";
    private static final String CLOSING = "postline.closingAfterLoginFailures";
    private static final HumanReadableText TOO_MANY_FAILURES = new HumanReadableText(
        "org.postline.imap.TOO_MANY_FAILURES", "Too many failed logins; closing connection");

    private final ImapProcessor next;
    private final Duration failureDelay;
    private final int maxFailures;
    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();

    /**
     * @param failureDelay pause before a failure is answered
     * @param maxFailures  failures after which the connection is closed; 0 or less means never
     */
    LoginThrottle(ImapProcessor next, Duration failureDelay, int maxFailures) {
        this.next = next;
        this.failureDelay = failureDelay;
        this.maxFailures = maxFailures;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (session.getAttribute(CLOSING) != null) {
            // Pipelined commands after the last allowed failure: the connection is about to close.
            return Mono.empty();
        }
        if (message instanceof LoginRequest || message instanceof AuthenticateRequest) {
            session.setAttribute(JAMES_FAILURE_COUNT, null);
            Tag tag = ((ImapRequest) message).getTag();
            return next.processReactive(message, new FailureWatch(responder, session, tag), session);
        }
        return next.processReactive(message, responder, session);
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }

    /** Passes responses on, noticing the tagged NO that ends a failed attempt. */
    private final class FailureWatch implements Responder {
        private final Responder responder;
        private final ImapSession session;
        private final Tag tag;

        FailureWatch(Responder responder, ImapSession session, Tag tag) {
            this.responder = responder;
            this.session = session;
            this.tag = tag;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (!(message instanceof StatusResponse status) || status.getServerResponseType() != StatusResponse.Type.NO
                || !tag.equals(status.getTag())) {
                responder.respond(message);
                return;
            }
            int failures = session.getAttribute(FAILURES) instanceof Integer count ? count + 1 : 1;
            session.setAttribute(FAILURES, failures);
            boolean last = maxFailures > 0 && failures >= maxFailures;
            ResponseHold.of(session).ifPresentOrElse(hold -> hold.holdFor(failureDelay, last),
                () -> LOGGER.warn("no response hold on an IMAP session; failed login answered at once"));
            responder.respond(message);
            if (last) {
                LOGGER.info("closing IMAP connection after {} failed logins", failures);
                session.setAttribute(CLOSING, Boolean.TRUE);
                responder.respond(responses.bye(TOO_MANY_FAILURES));
                responder.flush();
                if (ResponseHold.of(session).isEmpty()) {
                    session.logout().subscribe();
                }
            }
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
