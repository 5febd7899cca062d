package org.postline.protocols.pop3;

import java.util.Set;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.UidlCmdHandler;

/** UIDL, advertised in every state: clients read CAPA before logging in (James lists it only after). */
final class Pop3UidlCmdHandler extends UidlCmdHandler {

    private static final Set<String> UIDL = Set.of("UIDL");

    Pop3UidlCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return UIDL;
    }
}
