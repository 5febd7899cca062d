package org.postline.protocols.smtp;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ExtensibleHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * End of the DATA line chain: removes dot-stuffing exactly as RFC 5321 section 4.5.2 says (a leading '.' is
 * dropped from every line that has more), writes the bytes to the spool, and at ".\r\n" asks the message hooks
 * to accept the message. Replaces James's DataLineMessageHookHandler, which unstuffs only "..", ends DATA on
 * any 3-byte line starting with '.', and buffers the whole message in memory. Each DATA gets its own
 * {@link #linesOf line handler} holding the message, so no line looks the message up in the session.
 */
final class SpoolWriter implements ExtensibleHandler, ProtocolHandler {

    private List<MessageHook> messageHooks = List.of();

    static boolean isEndOfData(byte[] line) {
        return line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n';
    }

    /** The last line handler of one DATA, writing into {@code message}. */
    LineHandler<SMTPSession> linesOf(SpoolMailEnvelope message) {
        return (session, line) -> onLine(session, message, line);
    }

    private Response onLine(SMTPSession session, SpoolMailEnvelope message, byte[] line) {
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
