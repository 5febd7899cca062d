package org.postline.protocols.smtp;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.postline.api.directory.Users;
import org.postline.protocols.netty.ChannelTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks AUTH PLAIN/LOGIN credentials against {@link Users}. On success it records the user and grants
 * relaying itself (James's AUTH handler does neither). On failure the reply is held back for the
 * configured delay without blocking a thread, and after too many failures the connection is closed.
 * Passwords are wiped after use and never logged.
 */
final class UsersAuthHook implements AuthHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(UsersAuthHook.class);
    private static final ProtocolSession.AttachmentKey<Integer> FAILURES =
            ProtocolSession.AttachmentKey.of("POSTLINE_AUTH_FAILURES", Integer.class);

    private final Users users;
    private final String listener;
    private final Duration failureDelay;
    private final int maxFailures;

    UsersAuthHook(Users users, String listener, Duration failureDelay, int maxFailures) {
        this.users = users;
        this.listener = listener;
        this.failureDelay = failureDelay;
        this.maxFailures = maxFailures;
    }

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        char[] secret = password == null ? new char[0] : password.toCharArray();
        Optional<String> user;
        try {
            user = users.authenticate(username.asString(), secret);
        } catch (RuntimeException e) {
            LOGGER.error("listener '{}': the user directory failed during AUTH", listener, e);
            return Replies.tryLater("454", "4.7.0 Temporary authentication failure");
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (user.isPresent()) {
            session.setUsername(Username.of(user.get()));
            session.setRelayingAllowed(true);
            LOGGER.info("listener '{}': {} authenticated from {}", listener, user.get(), remoteIp(session));
            return Replies.accept("235", "2.7.0 Authentication successful");
        }
        return failed(session, username.asString());
    }

    /**
     * "AUTH PLAIN" carrying a single name (no password): never granted. Not counted as a failure, because
     * James calls this hook twice per attempt and no password is being guessed.
     */
    @Override
    public HookResult doDelegation(SMTPSession session, Username target) {
        return Replies.reject("535", "5.7.8 Authentication credentials invalid");
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return HookResult.DECLINED;
    }

    private HookResult failed(SMTPSession session, String login) {
        int failures = session.getAttachment(FAILURES, ProtocolSession.State.Connection).orElse(0) + 1;
        session.setAttachment(FAILURES, failures, ProtocolSession.State.Connection);
        LOGGER.info("listener '{}': authentication failed for '{}' from {} ({} of {})", listener,
                Replies.printable(login), remoteIp(session), failures, maxFailures);
        if (!failureDelay.isZero() && !failureDelay.isNegative()) {
            ChannelTransport.of(session).ifPresent(transport -> transport.holdResponses(failureDelay));
        }
        if (maxFailures > 0 && failures >= maxFailures) {
            return Replies.rejectAndClose("535", "5.7.8 Authentication credentials invalid; too many failures, closing connection");
        }
        return Replies.reject("535", "5.7.8 Authentication credentials invalid");
    }

    private static String remoteIp(SMTPSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }
}
