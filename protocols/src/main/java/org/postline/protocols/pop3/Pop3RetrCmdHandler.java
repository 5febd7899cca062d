package org.postline.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.StreamResponse;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.AbstractPOP3CommandHandler;
import org.apache.james.protocols.pop3.core.POP3MessageCommandArguments;
import org.apache.james.protocols.pop3.core.POP3MessageCommandDelegate;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * RETR: James's argument and deleted-message checks, and a body made by {@link DotStuffedMessage} a block
 * at a time (James's own stack of one-byte-at-a-time filter streams cost more than reading the message).
 */
final class Pop3RetrCmdHandler extends AbstractPOP3CommandHandler {

    private static final List<String> RETR = List.of("RETR");

    private final POP3MessageCommandDelegate delegate = new POP3MessageCommandDelegate(RETR) {
        @Override
        protected Response handleMessageExists(POP3Session session, MessageMetaData data,
                                               POP3MessageCommandArguments args) throws IOException {
            InputStream content = session.getUserMailbox().getMessage(data.getUid());
            return new MessageReply(new DotStuffedMessage(content));
        }
    };

    @Override
    public Response onCommand(POP3Session session, Request request) {
        return delegate.handleMessageRequest(session, request);
    }

    @Override
    public Collection<String> getImplCommands() {
        return RETR;
    }

    /** "+OK" and the message, its terminating line included. */
    private static final class MessageReply extends POP3Response implements StreamResponse {

        private final InputStream body;

        MessageReply(InputStream body) {
            super(POP3Response.OK_RESPONSE, "Message follows");
            this.body = body;
        }

        @Override
        public InputStream getStream() {
            return body;
        }

        @Override
        public Response immutable() {
            throw new UnsupportedOperationException("a message reply is sent once");
        }
    }
}
