package org.postline.protocols.pop3;

import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.UserCmdHandler;

/**
 * USER, refused where plain-text login is not allowed (James's accepts it anywhere), and advertised in
 * CAPA only where it is allowed. Any name is accepted here so that the reply does not tell which users
 * exist; a name James cannot even parse simply fails at PASS.
 */
final class Pop3UserCmdHandler extends UserCmdHandler {

    private static final Set<String> USER = Set.of("USER");

    private final Pop3Settings settings;

    Pop3UserCmdHandler(Pop3Settings settings, MetricFactory metricFactory) {
        super(metricFactory);
        this.settings = settings;
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        if (session.getHandlerState() == POP3Session.TRANSACTION) {
            return Pop3Replies.error("Already logged in");
        }
        if (!settings.plainLoginAllowed(session)) {
            return settings.plainLoginRefusal(session);
        }
        String login = request.getArgument();
        if (login == null || login.isBlank()) {
            return Pop3Replies.error("Usage: USER name");
        }
        try {
            session.setUsername(Username.of(login.trim()));
        } catch (IllegalArgumentException unusable) {
            session.setUsername(null);
        }
        session.setHandlerState(POP3Session.AUTHENTICATION_USERSET);
        return Pop3Replies.ok("Send PASS");
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return session.getHandlerState() != POP3Session.TRANSACTION && settings.plainLoginAllowed(session)
                ? USER : Set.of();
    }
}
