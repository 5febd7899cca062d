package org.postline.protocols.smtp;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;

/** HELO with a well-formed greeting line. */
final class SmtpHeloCmdHandler extends HeloCmdHandler {

    SmtpHeloCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "HELO", ProtocolSession.State.Connection);
        return new SMTPResponse("250", SmtpEhloCmdHandler.greeting(session, parameters));
    }
}
