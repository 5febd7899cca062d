package org.postline.protocols.smtp;

import java.util.List;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailParametersHook;

/**
 * The message size limit (RFC 1870): announced as SIZE, checked against MAIL FROM's SIZE= and enforced on
 * the bytes received in DATA. Replaces James's MailSizeEsmtpExtension, which parses SIZE as an int and
 * answers an over-size DATA without an enhanced status code.
 */
final class MessageSizeLimit implements MailParametersHook, EhloExtension, DataLineFilter {

    private final long maxMessageSize;

    MessageSizeLimit(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public String[] getMailParamNames() {
        return new String[] {"SIZE"};
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String name, String value) {
        long declared;
        try {
            declared = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return Replies.reject("501", "5.5.4 SIZE must be a number of bytes");
        }
        if (declared < 0) {
            return Replies.reject("501", "5.5.4 SIZE must be a number of bytes");
        }
        if (maxMessageSize > 0 && declared > maxMessageSize) {
            return Replies.reject("552", "5.3.4 Message size exceeds fixed maximum message size (" + maxMessageSize + " bytes)");
        }
        return HookResult.DECLINED;
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return maxMessageSize > 0 ? List.of("SIZE " + maxMessageSize) : List.of("SIZE");
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (!SpoolWriter.isEndOfData(line) && maxMessageSize > 0) {
            long size = session.currentMessageSize() + line.length;
            session.setCurrentMessageSize(size);
            if (size > maxMessageSize) {
                session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                        .filter(SpoolMailEnvelope.class::isInstance)
                        .map(SpoolMailEnvelope.class::cast)
                        .ifPresent(message -> message.fail(Replies.response("552",
                                "5.3.4 Message size exceeds fixed maximum message size (" + maxMessageSize + " bytes)")));
            }
        }
        return next.onLine(session, line);
    }
}
