package org.postline.protocols.pop3;

import java.util.Set;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.StlsCmdHandler;
import org.postline.protocols.netty.ChannelTransport;

/**
 * STLS (RFC 2595), allowed only before USER in the AUTHORIZATION state. James's handler answers a bare
 * "-ERR" whatever the reason, keeps advertising STLS once TLS is on, and leaves the framer expecting a
 * TLS handshake after a refusal (so the next command would close the connection); this one says why,
 * advertises STLS only while it can be used, and clears that expectation when it refuses.
 */
final class Pop3StlsCmdHandler extends StlsCmdHandler {

    private static final Set<String> STLS = Set.of("STLS");

    private final Pop3Settings settings;

    Pop3StlsCmdHandler(Pop3Settings settings, MetricFactory metricFactory) {
        super(metricFactory);
        this.settings = settings;
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        String refusal = refusal(session);
        if (refusal == null) {
            return super.onCommand(session, request);
        }
        ChannelTransport.of(session).ifPresent(ChannelTransport::startTlsRefused);
        return Pop3Replies.error(refusal);
    }

    private String refusal(POP3Session session) {
        if (session.isTLSStarted()) {
            return "TLS is already active";
        }
        if (!session.isStartTLSSupported()) {
            return "STLS is not available on this port";
        }
        if (session.getHandlerState() == POP3Session.TRANSACTION) {
            return "STLS is only allowed before login";
        }
        if (session.getHandlerState() != POP3Session.AUTHENTICATION_READY) {
            return "STLS is only allowed before USER";
        }
        return null;
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return settings.canStartTls(session) && session.getHandlerState() == POP3Session.AUTHENTICATION_READY
                ? STLS : Set.of();
    }
}
