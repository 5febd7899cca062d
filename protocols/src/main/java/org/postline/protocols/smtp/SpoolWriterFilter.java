package org.postline.protocols.smtp;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ExtensibleHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * Last DATA filter: removes dot-stuffing exactly as RFC 5321 section 4.5.2 says (a leading '.' is dropped
 * from every line that has more), writes the bytes to the spool, and at ".\r\n" asks the message hooks to
 * accept the message. Replaces James's DataLineMessageHookHandler, which unstuffs only "..", ends DATA on
 * any 3-byte line starting with '.', and buffers the whole message in memory.
 */
final class SpoolWriterFilter implements DataLineFilter, ExtensibleHandler {

    private List<MessageHook> messageHooks = List.of();

    static boolean isEndOfData(byte[] line) {
        return line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n';
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        SpoolMailEnvelope message = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction)
                .filter(SpoolMailEnvelope.class::isInstance)
                .map(SpoolMailEnvelope.class::cast)
                .orElseThrow(() -> new IllegalStateException("DATA line without a message in progress"));
        if (isEndOfData(line)) {
            session.popLineHandler();
            Response response = message.failure().orElseGet(() -> accept(session, message));
            message.abort();
            session.resetState();
            // James's DATA handler switches the STARTTLS injection check off and never back on.
            session.startDetectingCommandInjection();
            return response;
        }
        if (line.length > 0 && line[0] == '.') {
            message.write(line, 1, line.length - 1);
        } else {
            message.write(line, 0, line.length);
        }
        return null;
    }

    private Response accept(SMTPSession session, SpoolMailEnvelope message) {
        for (MessageHook hook : messageHooks) {
            HookResult result = hook.onMessage(session, message);
            Response response = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
            if (response != null) {
                return response;
            }
        }
        return Replies.response("451", "4.3.0 No handler accepted the message; try again later");
    }

    @Override
    public List<Class<?>> getMarkerInterfaces() {
        return new ArrayList<>(List.of(MessageHook.class));
    }

    @Override
    public void wireExtensions(Class<?> interfaceName, List<?> extensions) throws WiringException {
        if (MessageHook.class.equals(interfaceName)) {
            if (extensions.isEmpty()) {
                throw new WiringException("no MessageHook to store messages");
            }
            List<MessageHook> hooks = new ArrayList<>();
            for (Object extension : extensions) {
                hooks.add((MessageHook) extension);
            }
            messageHooks = List.copyOf(hooks);
        }
    }
}
