package org.postline.protocols.pop3;

import java.util.ArrayList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.RsetCmdHandler;

/**
 * RSET that only unmarks deletions. James's re-reads the maildrop, which renumbers the messages in the
 * middle of a session whenever mail arrived meanwhile (RFC 1939 keeps numbers fixed for the session).
 */
final class Pop3RsetCmdHandler extends RsetCmdHandler {

    Pop3RsetCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected void stat(POP3Session session) {
        session.setAttachment(POP3Session.DELETED_UID_LIST, new ArrayList<>(), ProtocolSession.State.Transaction);
    }
}
