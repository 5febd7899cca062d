package org.postline.protocols.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSessionImpl;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

/** One SMTP connection: James's session with our replies for over-long lines and internal errors. */
final class SmtpSession extends SMTPSessionImpl {

    private final SmtpSettings settings;
    private final SessionGuard guard;

    SmtpSession(ProtocolTransport transport, SmtpSettings settings, SessionGuard guard) {
        super(transport, settings);
        this.settings = settings;
        this.guard = guard;
    }

    /**
     * The framer dropped a line longer than the limit. Inside DATA the message is now incomplete: it is
     * marked failed and the reply comes at the end of DATA, keeping client and server in step. Outside DATA
     * it is a bad command.
     */
    @Override
    public Response newLineTooLongResponse() {
        int max = settings.limits().maxLineLength();
        var message = getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction);
        if (message.isPresent() && message.get() instanceof SpoolMailEnvelope spooled) {
            spooled.fail(Replies.response("552",
                    "5.3.4 Line too long (limit " + max + " bytes including CRLF); message discarded"));
            return null;
        }
        return guard.countBadCommand(this, Replies.response("500",
                "5.5.2 Line too long (limit " + max + " bytes including CRLF)"));
    }

    @Override
    public Response newFatalErrorResponse() {
        return Replies.response("451", "4.3.0 Unable to process the request");
    }

    @Override
    public Response newCommandNotFoundErrorResponse() {
        return Replies.response("500", "5.5.1 Command unrecognized");
    }
}
