package org.postline.protocols.pop3;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3SessionImpl;

/**
 * One POP3 connection: James's session with our replies for over-long lines (counted as bad commands) and
 * internal errors, and commands read as UTF-8 so that a non-ASCII password arrives intact.
 */
final class Pop3Session extends POP3SessionImpl {

    private final Pop3Settings settings;
    private final Pop3SessionGuard guard;

    Pop3Session(ProtocolTransport transport, Pop3Settings settings, Pop3SessionGuard guard) {
        super(transport, settings);
        this.settings = settings;
        this.guard = guard;
    }

    @Override
    public Response newLineTooLongResponse() {
        return guard.countBadCommand(this, Pop3Replies.error(
                "Line too long (limit " + settings.limits().maxLineLength() + " bytes including CRLF)"));
    }

    @Override
    public Response newFatalErrorResponse() {
        return Pop3Replies.error(Pop3Replies.SYS_TEMP + "Unable to process the request");
    }

    @Override
    public Response newCommandNotFoundErrorResponse() {
        return Pop3Replies.error("Unknown command");
    }

    @Override
    public Charset getCharset() {
        return StandardCharsets.UTF_8;
    }
}
