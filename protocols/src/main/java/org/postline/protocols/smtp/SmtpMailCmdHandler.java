package org.postline.protocols.smtp;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.MailCmdHandler;

/**
 * MAIL with our default domain for unqualified senders, and with the DSN parameters of a refused MAIL
 * forgotten (James forgets only the sender), so they cannot leak into the next transaction.
 */
final class SmtpMailCmdHandler extends MailCmdHandler {

    private final String defaultDomain;

    SmtpMailCmdHandler(MetricFactory metricFactory, String defaultDomain) {
        super(metricFactory);
        this.defaultDomain = defaultDomain;
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        boolean startsTransaction = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction).isEmpty();
        if (startsTransaction) {
            DsnParameters.clear(session);
        }
        Response response = super.onCommand(session, request);
        if (startsTransaction && !"250".equals(response.getRetCode())) {
            DsnParameters.clear(session);
        }
        return response;
    }

    @Override
    protected String getDefaultDomain() {
        return defaultDomain;
    }
}
