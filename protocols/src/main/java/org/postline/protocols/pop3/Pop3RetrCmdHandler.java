package org.postline.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.RetrCmdHandler;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/** RETR over James's dot-stuffing, fed CRLF line endings (see {@link CrlfLineEndings}). */
final class Pop3RetrCmdHandler extends RetrCmdHandler {

    Pop3RetrCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected InputStream getMessageContent(POP3Session session, MessageMetaData data) throws IOException {
        return new CrlfLineEndings(super.getMessageContent(session, data));
    }
}
