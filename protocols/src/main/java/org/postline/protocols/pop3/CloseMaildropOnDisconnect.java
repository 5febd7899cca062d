package org.postline.protocols.pop3;

import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.mailbox.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection that ends without QUIT (dropped, timed out, closed for misbehaviour or shutdown) closes its
 * maildrop without removing anything: RFC 1939 applies DELE only in the UPDATE state.
 */
final class CloseMaildropOnDisconnect implements DisconnectHandler<POP3Session> {

    private static final Logger LOGGER = LoggerFactory.getLogger(CloseMaildropOnDisconnect.class);

    @Override
    public void onDisconnect(POP3Session session) {
        if (session == null) {
            return;
        }
        Mailbox maildrop = session.getUserMailbox();
        if (maildrop == null) {
            return;
        }
        session.setUserMailbox(null);
        try {
            maildrop.close();
        } catch (Exception e) {
            LOGGER.warn("closing the maildrop of a dropped connection failed", e);
        }
    }
}
