package org.postline.protocols.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.ImapRequestLineReader;

/**
 * Decodes a command line with James's parsers and ends the session on unknown commands: the first one before
 * login (against cross-protocol attacks), or the one after {@code maxUnknownCommands} in a row after login.
 * James's own decoder logs the session out while decoding, on the I/O thread, while the command before may
 * still be completing on another thread: that one then saw the session logged out and closed the connection
 * before the BYE went out. Here decoding only asks for the end ({@link SessionEnd}); the logout comes after
 * the BYE, in command order.
 */
final class CommandDecoder implements ImapDecoder {

    /** Asks for the session to end with {@code bye}, once the commands before it are answered. */
    record SessionEnd(StatusResponse bye) implements ImapMessage {
    }

    private static final String UNKNOWN_IN_A_ROW = "postline.unknownCommandsInARow";

    private final StatusResponseFactory responses;
    private final ImapCommandParserFactory parsers;
    private final int maxUnknownCommands;

    CommandDecoder(StatusResponseFactory responses, ImapCommandParserFactory parsers, int maxUnknownCommands) {
        this.responses = responses;
        this.parsers = parsers;
        this.maxUnknownCommands = maxUnknownCommands;
    }

    @Override
    public ImapMessage decode(ImapRequestLineReader request, ImapSession session) {
        Tag tag;
        try {
            tag = request.tag();
        } catch (DecodingException noTag) {
            return unknown(null, session);
        }
        ImapCommandParser parser;
        try {
            parser = parsers.getParser(request.atom());
        } catch (DecodingException noCommandName) {
            return unknown(tag, session);
        }
        if (parser == null) {
            return unknown(tag, session);
        }
        ImapMessage message = parser.parse(request, tag, session);
        if (session.getAttribute(UNKNOWN_IN_A_ROW) != null) {
            session.setAttribute(UNKNOWN_IN_A_ROW, null);
        }
        return message;
    }

    private ImapMessage unknown(Tag tag, ImapSession session) {
        int inARow = session.getAttribute(UNKNOWN_IN_A_ROW) instanceof Integer count ? count + 1 : 1;
        if (inARow > maxUnknownCommands || session.getState() == ImapSessionState.NON_AUTHENTICATED) {
            return new SessionEnd(responses.bye(HumanReadableText.BYE_UNKNOWN_COMMAND));
        }
        session.setAttribute(UNKNOWN_IN_A_ROW, inARow);
        return tag == null
            ? responses.untaggedBad(HumanReadableText.UNKNOWN_COMMAND)
            : responses.taggedBad(tag, null, HumanReadableText.UNKNOWN_COMMAND);
    }
}
