package org.postline.protocols.pop3;

import java.util.Collection;
import java.util.List;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.AbstractPOP3CommandHandler;

/**
 * Runs before James's LIST, UIDL, DELE, RETR and TOP and refuses message numbers they mishandle: 0 and
 * negative numbers (James throws an internal error) and a negative TOP line count (James sends the whole
 * message). Anything else falls through to James's handler (a null reply lets the next handler run).
 */
final class MessageNumberGuard extends AbstractPOP3CommandHandler {

    @Override
    public Response onCommand(POP3Session session, Request request) {
        if (session.getHandlerState() != POP3Session.TRANSACTION || request.getArgument() == null) {
            return null;
        }
        String[] arguments = request.getArgument().trim().split(" +");
        int count = session.getAttachment(POP3Session.UID_LIST, ProtocolSession.State.Transaction)
                .map(List::size).orElse(0);
        Long number = parse(arguments[0]);
        if (number != null && (number < 1 || number > count)) {
            return Pop3Replies.error("No such message");
        }
        if (request.getCommand().equals("TOP") && arguments.length == 2) {
            Long lines = parse(arguments[1]);
            if (lines != null && lines < 0) {
                return Pop3Replies.error("Usage: TOP message lines (lines >= 0)");
            }
        }
        return null;
    }

    /** A number, or null if it is not one (James's handler then answers the syntax error). */
    private static Long parse(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("LIST", "UIDL", "DELE", "RETR", "TOP");
    }
}
