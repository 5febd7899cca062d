package org.postline.protocols.pop3;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.AbstractPassCmdHandler;
import org.apache.james.protocols.pop3.mailbox.Mailbox;
import org.postline.protocols.netty.ChannelTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PASS, and the login shared with AUTH PLAIN: checks the password against {@link
 * org.postline.api.directory.Users}, takes the maildrop lock and opens the user's INBOX through the
 * MailboxManager. A wrong password is answered after the configured delay without blocking a thread, and
 * too many close the connection. Passwords are wiped after use and never logged.
 */
final class Pop3PassCmdHandler extends AbstractPassCmdHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(Pop3PassCmdHandler.class);
    private static final ProtocolSession.AttachmentKey<Integer> FAILURES =
            ProtocolSession.AttachmentKey.of("POSTLINE_POP3_AUTH_FAILURES", Integer.class);
    private static final ProtocolSession.AttachmentKey<Refusal> REFUSAL =
            ProtocolSession.AttachmentKey.of("POSTLINE_POP3_REFUSAL", Refusal.class);

    /** Why {@link #auth} gave no maildrop; James's base class only knows "failed". */
    private enum Refusal { BAD_CREDENTIALS, IN_USE, UNAVAILABLE }

    private final Pop3Settings settings;
    private final Pop3Context context;
    private final Duration failureDelay;
    private final int maxFailures;

    Pop3PassCmdHandler(Pop3Settings settings, Pop3Context context, MetricFactory metricFactory) {
        super(metricFactory);
        this.settings = settings;
        this.context = context;
        this.failureDelay = settings.limits().authFailureDelay();
        this.maxFailures = settings.limits().maxAuthFailures();
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        if (session.getHandlerState() == POP3Session.TRANSACTION) {
            return Pop3Replies.error("Already logged in");
        }
        if (!settings.plainLoginAllowed(session)) {
            return settings.plainLoginRefusal(session);
        }
        if (session.getHandlerState() != POP3Session.AUTHENTICATION_USERSET) {
            return Pop3Replies.error("Send USER first");
        }
        String password = request.getArgument();
        if (password == null) {
            return Pop3Replies.error("Usage: PASS password");
        }
        return login(session, Optional.ofNullable(session.getUsername()), password);
    }

    /**
     * Logs in and enters the TRANSACTION state, or answers why not.
     *
     * @param login empty when the client's name could not even be parsed (fails like a wrong password)
     */
    Response login(POP3Session session, Optional<Username> login, String password) {
        if (login.isEmpty()) {
            session.setHandlerState(POP3Session.AUTHENTICATION_READY);
            return failed(session, "(unparseable)");
        }
        session.removeAttachment(REFUSAL, ProtocolSession.State.Transaction);
        Response response = doAuth(session, login.get(), password);
        if (session.getHandlerState() == POP3Session.TRANSACTION) {
            LOGGER.info("listener '{}': {} logged in from {}", settings.name(), session.getUsername().asString(),
                    remoteIp(session));
            return response;
        }
        Refusal refusal = session.removeAttachment(REFUSAL, ProtocolSession.State.Transaction).orElse(Refusal.UNAVAILABLE);
        session.setUsername(null);
        return switch (refusal) {
            case BAD_CREDENTIALS -> failed(session, login.get().asString());
            case IN_USE -> Pop3Replies.error(Pop3Replies.IN_USE + "Maildrop already in use by another session");
            case UNAVAILABLE -> Pop3Replies.error(Pop3Replies.SYS_TEMP + "Unable to open the maildrop; try again later");
        };
    }

    /** Called by James's doAuth; null means no login, with the reason left in {@link #REFUSAL}. */
    @Override
    protected Mailbox auth(POP3Session session, Username username, String password) {
        char[] secret = password.toCharArray();
        Optional<String> user;
        try {
            user = context.users().authenticate(username.asString(), secret);
        } catch (RuntimeException e) {
            LOGGER.error("listener '{}': the user directory failed during login", settings.name(), e);
            return refuse(session, Refusal.UNAVAILABLE);
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (user.isEmpty()) {
            return refuse(session, Refusal.BAD_CREDENTIALS);
        }
        Optional<MaildropLocks.Lease> lease = context.maildropLocks().tryLock(user.get());
        if (lease.isEmpty()) {
            LOGGER.info("listener '{}': {} from {} refused: maildrop in use", settings.name(), user.get(), remoteIp(session));
            return refuse(session, Refusal.IN_USE);
        }
        try {
            InboxMaildrop maildrop = InboxMaildrop.open(context.mailboxes(), user.get(), lease.get());
            session.setUsername(Username.of(user.get()));
            return maildrop;
        } catch (MailboxException | RuntimeException e) {
            lease.get().release();
            LOGGER.error("listener '{}': cannot open the INBOX of {}", settings.name(), user.get(), e);
            return refuse(session, Refusal.UNAVAILABLE);
        }
    }

    private static Mailbox refuse(POP3Session session, Refusal refusal) {
        session.setAttachment(REFUSAL, refusal, ProtocolSession.State.Transaction);
        return null;
    }

    /** Counts a failed login, delays the reply, and closes the connection at the limit. */
    Response failed(POP3Session session, String login) {
        int failures = session.getAttachment(FAILURES, ProtocolSession.State.Connection).orElse(0) + 1;
        session.setAttachment(FAILURES, failures, ProtocolSession.State.Connection);
        LOGGER.info("listener '{}': authentication failed for '{}' from {} ({} of {})", settings.name(),
                Pop3Replies.printable(login), remoteIp(session), failures, maxFailures);
        if (!failureDelay.isZero() && !failureDelay.isNegative()) {
            ChannelTransport.of(session).ifPresent(transport -> transport.holdResponses(failureDelay));
        }
        if (maxFailures > 0 && failures >= maxFailures) {
            return Pop3Replies.closing(Pop3Replies.AUTH + "Authentication failed; too many failures, closing connection");
        }
        return Pop3Replies.error(Pop3Replies.AUTH + "Authentication failed");
    }

    private static String remoteIp(POP3Session session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }
}
