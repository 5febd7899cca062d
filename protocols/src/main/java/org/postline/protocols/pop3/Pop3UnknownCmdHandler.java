package org.postline.protocols.pop3;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.UnknownCommandHandler;
import org.apache.james.protocols.pop3.POP3Session;

/** Unknown commands: an error with a reason, counted by {@link Pop3SessionGuard} (and APOP is one). */
final class Pop3UnknownCmdHandler extends UnknownCommandHandler<POP3Session> {

    @Override
    public Response onCommand(POP3Session session, Request request) {
        return Pop3Replies.error("Unknown command");
    }
}
