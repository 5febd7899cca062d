package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapRequestStreamLineReader;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class CommandDecoderTest {

    private final UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();
    private final CommandDecoder decoder = new CommandDecoder(responses, new ImapParserFactory(responses), 2);

    @Test
    void unknownCommandsAfterLoginAreBadUntilOneTooManyAsksForTheEndWithoutLoggingOut() {
        FakeImapSession session = new FakeImapSession();
        session.authenticated();

        assertThat(decode("a1 FOO", session)).isInstanceOfSatisfying(StatusResponse.class,
            bad -> assertThat(bad.getServerResponseType()).isEqualTo(StatusResponse.Type.BAD));
        assertThat(decode("a2 FOO", session)).isInstanceOf(StatusResponse.class);
        ImapMessage third = decode("a3 FOO", session);

        // The logout must wait for the command's turn: a command still completing would close the connection.
        assertThat(third).isInstanceOfSatisfying(CommandDecoder.SessionEnd.class,
            end -> assertThat(end.bye().getServerResponseType()).isEqualTo(StatusResponse.Type.BYE));
        assertThat(session.getState()).isEqualTo(ImapSessionState.AUTHENTICATED);
    }

    @Test
    void aKnownCommandStartsTheCountAgain() {
        FakeImapSession session = new FakeImapSession();
        session.authenticated();
        for (String line : List.of("a1 FOO", "a2 FOO", "a3 NOOP", "a4 FOO", "a5 FOO")) {
            assertThat(decode(line, session)).as(line).isNotInstanceOf(CommandDecoder.SessionEnd.class);
        }
        assertThat(decode("a6 FOO", session)).isInstanceOf(CommandDecoder.SessionEnd.class);
    }

    @Test
    void beforeLoginTheFirstUnknownCommandOrMissingTagAsksForTheEnd() {
        FakeImapSession session = new FakeImapSession();
        assertThat(decode("a1 FOO", session)).isInstanceOf(CommandDecoder.SessionEnd.class);
        assertThat(decode("GET / HTTP/1.1", session)).isInstanceOf(CommandDecoder.SessionEnd.class);
        assertThat(session.getState()).isEqualTo(ImapSessionState.NON_AUTHENTICATED);
        assertThat(decode("a2 NOOP", session)).isNotInstanceOf(CommandDecoder.SessionEnd.class);
    }

    @Test
    void theSessionEndsOnlyAfterItsByeIsWrittenAndFlushed() {
        FakeImapSession session = new FakeImapSession();
        session.authenticated();
        List<String> events = new ArrayList<>();
        ImapProcessor james = new ImapProcessor() {
            @Override
            public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession s) {
                events.add("james");
                return Mono.empty();
            }

            @Override
            public void configure(ImapConfiguration configuration) {
            }
        };
        ImapProcessor.Responder responder = new ImapProcessor.Responder() {
            @Override
            public void respond(ImapResponseMessage message) {
                events.add("respond " + ((StatusResponse) message).getServerResponseType() + " " + session.getState().name());
            }

            @Override
            public void flush() {
                events.add("flush " + session.getState().name());
            }
        };

        new FlushedBye(james).processReactive(new CommandDecoder.SessionEnd(responses.bye(
            HumanReadableText.BYE_UNKNOWN_COMMAND)), responder, session)
            .block(Duration.ofSeconds(10));

        assertThat(events).containsExactly("respond BYE AUTHENTICATED", "flush AUTHENTICATED");
        assertThat(session.getState()).isEqualTo(ImapSessionState.LOGOUT);
    }

    private ImapMessage decode(String line, ImapSession session) {
        byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return decoder.decode(new ImapRequestStreamLineReader(new ByteArrayInputStream(bytes),
            new ByteArrayOutputStream()), session);
    }
}
