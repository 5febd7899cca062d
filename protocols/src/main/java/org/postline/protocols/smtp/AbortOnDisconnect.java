package org.postline.protocols.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

/** A connection lost in the middle of DATA (timeout, reset, shutdown) leaves nothing in the spool. */
final class AbortOnDisconnect implements DisconnectHandler<SMTPSession> {

    @Override
    public void onDisconnect(SMTPSession session) {
        if (session == null) {
            return;
        }
        session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(SpoolMailEnvelope.class::isInstance)
                .map(SpoolMailEnvelope.class::cast)
                .ifPresent(SpoolMailEnvelope::abort);
    }
}
