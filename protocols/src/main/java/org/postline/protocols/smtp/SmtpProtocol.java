package org.postline.protocols.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.handler.ProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPProtocol;

/** Creates our {@link SmtpSession} for each connection. */
final class SmtpProtocol extends SMTPProtocol {

    private final SmtpSettings settings;
    private final SessionGuard guard;

    SmtpProtocol(ProtocolHandlerChain chain, SmtpSettings settings, SessionGuard guard) {
        super(chain, settings);
        this.settings = settings;
        this.guard = guard;
    }

    @Override
    public ProtocolSession newSession(ProtocolTransport transport) {
        return new SmtpSession(transport, settings, guard);
    }
}
