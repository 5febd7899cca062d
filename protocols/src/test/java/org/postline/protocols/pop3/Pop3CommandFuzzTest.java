package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.postline.protocols.fuzz.WireFuzzing;

/**
 * Jazzer fuzzing of the POP3 command parsers and states (AUTHORIZATION, TRANSACTION, AUTH continuations)
 * through a live listener with a maildrop holding two messages. Plain runs replay the seed corpus
 * ({@code Pop3CommandFuzzTestInputs/}); {@code JAZZER_FUZZ=1} fuzzes. No crash, no hang, the listener
 * survives, and no message is ever deleted except by a session that logged in and said QUIT.
 */
class Pop3CommandFuzzTest {

    private static final String GUARDED = "dave@example.org";

    @TempDir
    static Path var;

    private static Pop3TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = Pop3TestServer.builder(var).start();
        server.users.add(GUARDED, java.util.UUID.randomUUID().toString().toCharArray());
        server.append(GUARDED, TestMessages.simple("kept", 3));
    }

    @AfterAll
    static void stop() {
        server.close();
        System.out.println("POP3 fuzzing: " + WireFuzzing.inputsPlayed() + " inputs played");
    }

    @FuzzTest(maxDuration = "2m")
    void pop3Session(byte[] input) throws Exception {
        String replies = WireFuzzing.session(server.address(), input, "\r\n*\r\nQUIT\r\n");
        assertThat(replies).startsWith("+OK ");
        assertThat(WireFuzzing.greeting(server.address())).startsWith("+OK ");
        // Nobody knows this user's (random) password: the maildrop stays as it was, whatever was sent.
        server.awaitUnlocked(GUARDED);
        assertThat(server.messages(GUARDED)).hasSize(1);
    }
}
