package org.postline.protocols.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.AbstractPOP3CommandHandler;
import org.apache.james.protocols.pop3.core.CapaCapability;

/**
 * AUTH PLAIN (RFC 5034 with RFC 4616), with the initial response on the command line or after a "+ "
 * continuation. The same policy as USER/PASS: plain-text credentials only where allowed, and failures
 * counted and delayed by {@link Pop3PassCmdHandler}. Logging in as someone else (an authorization
 * identity other than the user's own) is refused.
 */
final class Pop3AuthCmdHandler extends AbstractPOP3CommandHandler implements CapaCapability {

    private static final String PLAIN = "PLAIN";
    private static final Set<String> SASL_PLAIN = Set.of("SASL " + PLAIN);

    private final Pop3Settings settings;
    private final Pop3PassCmdHandler logins;

    Pop3AuthCmdHandler(Pop3Settings settings, Pop3PassCmdHandler logins) {
        this.settings = settings;
        this.logins = logins;
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        if (session.getHandlerState() == POP3Session.TRANSACTION) {
            return Pop3Replies.error("Already logged in");
        }
        if (!settings.plainLoginAllowed(session)) {
            return settings.plainLoginRefusal(session);
        }
        String argument = request.getArgument() == null ? "" : request.getArgument().trim();
        if (argument.isEmpty()) {
            // Not in RFC 5034, but older clients send a bare AUTH to list the mechanisms.
            POP3Response mechanisms = Pop3Replies.ok("Supported mechanisms follow");
            mechanisms.appendLine(PLAIN);
            mechanisms.appendLine(".");
            return mechanisms;
        }
        String[] parts = argument.split(" +", 2);
        if (!parts[0].toUpperCase(Locale.ROOT).equals(PLAIN)) {
            return Pop3Replies.error("Unsupported authentication mechanism");
        }
        session.setHandlerState(POP3Session.AUTHENTICATION_READY);
        if (parts.length == 2) {
            return credentials(session, parts[1].trim());
        }
        session.pushLineHandler(new LineHandler<POP3Session>() {
            @Override
            public Response onLine(POP3Session lineSession, byte[] line) {
                lineSession.popLineHandler();
                return credentials(lineSession, new String(line, StandardCharsets.US_ASCII).trim());
            }
        });
        return new POP3Response("+", "");
    }

    /** Decodes "authzid NUL authcid NUL password" and logs in. */
    private Response credentials(POP3Session session, String encoded) {
        if (encoded.equals("*")) {
            return Pop3Replies.error("Authentication cancelled");
        }
        byte[] decoded;
        try {
            decoded = "=".equals(encoded) ? new byte[0] : Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            return Pop3Replies.error("Invalid base64 in the AUTH response");
        }
        String[] fields = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
        Arrays.fill(decoded, (byte) 0);
        if (fields.length != 3 || fields[1].isEmpty()) {
            return logins.failed(session, "(malformed AUTH PLAIN)");
        }
        String authorizationId = fields[0];
        String login = fields[1];
        if (!authorizationId.isEmpty() && !authorizationId.equalsIgnoreCase(login)) {
            return logins.failed(session, login);
        }
        return logins.login(session, parse(login), fields[2]);
    }

    private static Optional<Username> parse(String login) {
        try {
            return Optional.of(Username.of(login));
        } catch (IllegalArgumentException unusable) {
            return Optional.empty();
        }
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return session.getHandlerState() != POP3Session.TRANSACTION && settings.plainLoginAllowed(session)
                ? SASL_PLAIN : Set.of();
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("AUTH");
    }
}
