package org.postline.protocols.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * AUTH, refused where it is not announced (James's handler accepts PLAIN and LOGIN on any connection once
 * they are enabled at all, even without TLS) and inside a mail transaction (RFC 4954 section 4), and with
 * correct default reply texts.
 */
final class SmtpAuthCmdHandler extends AuthCmdHandler {

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.getUsername() == null && !session.isAuthAnnounced()) {
            if (session.isStartTLSSupported() && !session.isTLSStarted()) {
                return Replies.response("538", "5.7.11 Encryption required for requested authentication mechanism; use STARTTLS first");
            }
            return Replies.response("502", "5.5.1 AUTH is not available on this connection");
        }
        if (session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction).isPresent()) {
            return Replies.response("503", "5.5.1 AUTH is not permitted during a mail transaction");
        }
        return super.onCommand(session, request);
    }

    @Override
    protected Response calcDefaultSMTPResponse(HookResult result) {
        if (result != null && result.getSmtpDescription() == null) {
            HookReturnCode.Action action = result.getResult().getAction();
            if (action == HookReturnCode.Action.OK) {
                return Replies.response("235", "2.7.0 Authentication successful");
            }
            if (action == HookReturnCode.Action.DENY) {
                return Replies.response("535", "5.7.8 Authentication credentials invalid");
            }
        }
        return super.calcDefaultSMTPResponse(result);
    }
}
