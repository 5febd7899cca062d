package org.postline.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.TopCmdHandler;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * TOP over James's handler, fed CRLF line endings (its line counting only knows CRLF), and advertised in
 * every state: clients read CAPA before logging in (James lists TOP only after login).
 */
final class Pop3TopCmdHandler extends TopCmdHandler {

    private static final Set<String> TOP = Set.of("TOP");

    Pop3TopCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected InputStream getMessageContent(POP3Session session, MessageMetaData data) throws IOException {
        return new CrlfLineEndings(super.getMessageContent(session, data));
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return TOP;
    }
}
