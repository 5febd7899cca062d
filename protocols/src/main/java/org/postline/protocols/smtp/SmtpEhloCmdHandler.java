package org.postline.protocols.smtp;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;

/** EHLO with a well-formed greeting line (James's has a stray parenthesis) and the announced extensions. */
final class SmtpEhloCmdHandler extends EhloCmdHandler {

    private List<EhloExtension> extensions = List.of();

    SmtpEhloCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void wireExtensions(Class<?> interfaceName, List<?> extension) {
        super.wireExtensions(interfaceName, extension);
        if (EhloExtension.class.equals(interfaceName)) {
            extensions = List.copyOf((List<EhloExtension>) extension);
        }
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", ProtocolSession.State.Connection);
        SMTPResponse response = new SMTPResponse("250", greeting(session, parameters));
        List<String> features = new ArrayList<>();
        for (EhloExtension extension : extensions) {
            List<String> lines = extension.getImplementedEsmtpFeatures(session);
            if (lines != null) {
                features.addAll(lines);
            }
        }
        features.forEach(response::appendLine);
        return response;
    }

    static String greeting(SMTPSession session, String clientName) {
        return session.getConfiguration().getHelloName() + " Hello " + Replies.printable(clientName)
                + " [" + session.getRemoteAddress().getAddress().getHostAddress() + "]";
    }
}
