package org.postline.protocols.smtp;

import java.util.Set;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.StartTlsResponse;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at every command reply: closes the connection after too many unknown, malformed or out-of-sequence
 * commands, and forgets the HELO/EHLO when STARTTLS begins, so the client must greet again under TLS
 * (RFC 3207 section 4.2; James keeps the old greeting).
 */
final class SessionGuard implements ProtocolHandlerResultHandler<Response, ProtocolSession> {

    private static final Logger LOGGER = LoggerFactory.getLogger(SessionGuard.class);
    private static final ProtocolSession.AttachmentKey<Integer> BAD_COMMANDS =
            ProtocolSession.AttachmentKey.of("POSTLINE_BAD_COMMANDS", Integer.class);
    private static final Set<String> BAD_COMMAND_CODES = Set.of("500", "501", "503");

    private final String listener;
    private final int maxBadCommands;

    SessionGuard(String listener, int maxBadCommands) {
        this.listener = listener;
        this.maxBadCommands = maxBadCommands;
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (response == null || !(handler instanceof CommandHandler)) {
            return response;
        }
        if (response instanceof StartTlsResponse) {
            session.removeAttachment(SMTPSession.CURRENT_HELO_MODE, ProtocolSession.State.Connection);
            session.removeAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection);
            return response;
        }
        if (BAD_COMMAND_CODES.contains(response.getRetCode())) {
            return countBadCommand(session, response);
        }
        return response;
    }

    /** Counts one bad command; the one that reaches the limit is answered with 421 and the connection closed. */
    Response countBadCommand(ProtocolSession session, Response response) {
        int count = session.getAttachment(BAD_COMMANDS, ProtocolSession.State.Connection).orElse(0) + 1;
        session.setAttachment(BAD_COMMANDS, count, ProtocolSession.State.Connection);
        if (maxBadCommands > 0 && count >= maxBadCommands) {
            LOGGER.info("listener '{}': closing connection from {} after {} bad commands", listener,
                    session.getRemoteAddress().getAddress().getHostAddress(), count);
            return Replies.closing("421", "4.7.0 Too many bad commands, closing connection");
        }
        return response;
    }
}
