package org.postline.protocols.smtp;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;
import org.postline.protocols.netty.ChannelTransport;

/**
 * STARTTLS. James's framer marks a handshake as in flight as soon as it sees the verb; when the command is
 * refused (no TLS on this port, or an argument given) no handshake follows, so the mark is cleared here,
 * or the client's next command would be taken for command injection and its connection closed.
 */
final class SmtpStartTlsCmdHandler extends StartTlsCmdHandler {

    private static final String READY = "220";

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        Response response = super.onCommand(session, request);
        if (!READY.equals(response.getRetCode())) {
            ChannelTransport.of(session).ifPresent(ChannelTransport::startTlsRefused);
        }
        return response;
    }
}
