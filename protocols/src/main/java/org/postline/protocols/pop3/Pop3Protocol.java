package org.postline.protocols.pop3;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.handler.ProtocolHandlerChain;
import org.apache.james.protocols.pop3.POP3Protocol;

/** Creates our {@link Pop3Session} for each connection. */
final class Pop3Protocol extends POP3Protocol {

    private final Pop3Settings settings;
    private final Pop3SessionGuard guard;

    Pop3Protocol(ProtocolHandlerChain chain, Pop3Settings settings, Pop3SessionGuard guard) {
        super(chain, settings);
        this.settings = settings;
        this.guard = guard;
    }

    @Override
    public ProtocolSession newSession(ProtocolTransport transport) {
        return new Pop3Session(transport, settings, guard);
    }
}
