package org.postline.protocols.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First DATA filter: every line must end in CRLF and hold no other CR (SMTP smuggling, CVE-2023-51747).
 * Because of it, the only 3-byte line starting with '.' that reaches the later filters is ".\r\n", the sole
 * end of DATA. A violating line discards the message and ends the session: the client's framing cannot be
 * trusted any more.
 */
final class StrictLineEndingFilter implements DataLineFilter {

    private static final Logger LOGGER = LoggerFactory.getLogger(StrictLineEndingFilter.class);

    private final String listener;

    StrictLineEndingFilter(String listener) {
        this.listener = listener;
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (endsInCrlfOnly(line)) {
            return next.onLine(session, line);
        }
        session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(SpoolMailEnvelope.class::isInstance)
                .map(SpoolMailEnvelope.class::cast)
                .ifPresent(SpoolMailEnvelope::abort);
        session.popLineHandler();
        session.resetState();
        LOGGER.info("listener '{}': discarded a message from {}: bare CR or LF in DATA",
                listener, session.getRemoteAddress().getAddress().getHostAddress());
        return Replies.closing("500",
                "5.5.2 Bare CR or LF in message data; every line must end in CRLF. Message discarded");
    }

    static boolean endsInCrlfOnly(byte[] line) {
        int length = line.length;
        if (length < 2 || line[length - 2] != '\r' || line[length - 1] != '\n') {
            return false;
        }
        for (int i = 0; i < length - 2; i++) {
            if (line[i] == '\r' || line[i] == '\n') {
                return false;
            }
        }
        return true;
    }
}
