package org.postline.protocols.pop3;

import java.io.IOException;
import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.QuitCmdHandler;
import org.apache.james.protocols.pop3.mailbox.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QUIT: in the TRANSACTION state this is the UPDATE state of RFC 1939, the only place messages marked
 * with DELE are removed. Replies name this server rather than James.
 */
final class Pop3QuitCmdHandler extends QuitCmdHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(Pop3QuitCmdHandler.class);

    private final Pop3Settings settings;

    Pop3QuitCmdHandler(Pop3Settings settings, MetricFactory metricFactory) {
        super(metricFactory);
        this.settings = settings;
    }

    @Override
    protected Response quit(POP3Session session) {
        Mailbox maildrop = session.getUserMailbox();
        if (session.getHandlerState() != POP3Session.TRANSACTION || maildrop == null) {
            return signOff(POP3Response.OK_RESPONSE, settings.hostName() + " POP3 server signing off");
        }
        List<String> deleted = session.getAttachment(POP3Session.DELETED_UID_LIST, ProtocolSession.State.Transaction)
                .orElse(List.of());
        Response response;
        try {
            maildrop.remove(deleted.toArray(String[]::new));
            response = signOff(POP3Response.OK_RESPONSE, settings.hostName() + " POP3 server signing off ("
                    + deleted.size() + " message" + (deleted.size() == 1 ? "" : "s") + " deleted)");
        } catch (IOException | RuntimeException e) {
            LOGGER.error("listener '{}': removing {} deleted message(s) failed", settings.name(), deleted.size(), e);
            response = signOff(POP3Response.ERR_RESPONSE, Pop3Replies.SYS_TEMP + "Some deleted messages were not removed");
        }
        try {
            maildrop.close();
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("listener '{}': closing the maildrop failed", settings.name(), e);
        }
        session.setUserMailbox(null);
        return response;
    }

    private static Response signOff(String code, String text) {
        POP3Response response = new POP3Response(code, text);
        response.setEndSession(true);
        return response;
    }
}
