package org.postline.protocols.pop3;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;

/**
 * The greeting, without the APOP timestamp James's greeting carries (APOP is not offered: it needs the
 * clear password on the server), and the RFC 2449 response-code capabilities this server's replies use.
 */
final class Pop3Greeting implements ConnectHandler<POP3Session>, CapaCapability, ProtocolHandler {

    private static final Set<String> RESPONSE_CODES =
            Collections.unmodifiableSet(new LinkedHashSet<>(List.of("RESP-CODES", "AUTH-RESP-CODE")));

    @Override
    public Response onConnect(POP3Session session) {
        return Pop3Replies.ok(session.getConfiguration().getGreeting());
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return RESPONSE_CODES;
    }
}
