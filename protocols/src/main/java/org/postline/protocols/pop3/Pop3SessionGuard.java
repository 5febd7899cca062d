package org.postline.protocols.pop3;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.api.handler.UnknownCommandHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at every command reply: gives James's bare "-ERR" a reason, and closes the connection after too
 * many unknown, malformed or out-of-state commands. Errors with a response code (failed logins, a maildrop
 * in use, server trouble) are not counted: failed logins have their own limit.
 */
final class Pop3SessionGuard implements ProtocolHandlerResultHandler<Response, ProtocolSession> {

    private static final Logger LOGGER = LoggerFactory.getLogger(Pop3SessionGuard.class);
    private static final ProtocolSession.AttachmentKey<Integer> BAD_COMMANDS =
            ProtocolSession.AttachmentKey.of("POSTLINE_POP3_BAD_COMMANDS", Integer.class);

    private final String listener;
    private final int maxBadCommands;

    Pop3SessionGuard(String listener, int maxBadCommands) {
        this.listener = listener;
        this.maxBadCommands = maxBadCommands;
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (!(handler instanceof CommandHandler) || !Pop3Replies.isError(response) || response.isEndSession()) {
            return response;
        }
        String text = Pop3Replies.text(response);
        if (text.startsWith("[")) {
            return response;
        }
        if (text.isEmpty()) {
            response = Pop3Replies.error(handler instanceof UnknownCommandHandler
                    ? "Unknown command" : "Command not valid in this state");
        }
        return countBadCommand(session, response);
    }

    /** Counts one bad command; the one that reaches the limit is answered with a closing error. */
    Response countBadCommand(ProtocolSession session, Response response) {
        int count = session.getAttachment(BAD_COMMANDS, ProtocolSession.State.Connection).orElse(0) + 1;
        session.setAttachment(BAD_COMMANDS, count, ProtocolSession.State.Connection);
        if (maxBadCommands > 0 && count >= maxBadCommands) {
            LOGGER.info("listener '{}': closing connection from {} after {} bad commands", listener,
                    session.getRemoteAddress().getAddress().getHostAddress(), count);
            return Pop3Replies.closing("Too many bad commands, closing connection");
        }
        return response;
    }
}
