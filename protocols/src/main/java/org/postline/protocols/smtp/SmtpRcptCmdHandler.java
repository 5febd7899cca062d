package org.postline.protocols.smtp;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;

/** RCPT with our default domain for unqualified recipients (e.g. a bare "postmaster"). */
final class SmtpRcptCmdHandler extends RcptCmdHandler {

    private final String defaultDomain;

    SmtpRcptCmdHandler(MetricFactory metricFactory, String defaultDomain) {
        super(metricFactory);
        this.defaultDomain = defaultDomain;
    }

    @Override
    protected String getDefaultDomain() {
        return defaultDomain;
    }
}
