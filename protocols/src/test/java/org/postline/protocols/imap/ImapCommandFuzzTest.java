package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.postline.protocols.fuzz.WireFuzzing;

/**
 * Jazzer fuzzing of the IMAP command decoder (James's request parser behind our literal guard) and the
 * session states through a live listener on the JDBC mailbox store. Plain runs replay the seed corpus
 * ({@code ImapCommandFuzzTestInputs/}); {@code JAZZER_FUZZ=1} fuzzes. No crash, no hang, the listener
 * survives, and the INBOX of a user whose password nobody knows is never touched.
 */
class ImapCommandFuzzTest {

    private static final String GUARDED = "guarded@" + TestUsers.DOMAIN;

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private static ImapListener server;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ImapFixture(directory);
        fixture.users.add("alice@" + TestUsers.DOMAIN, "alice-secret".toCharArray());
        fixture.users.add(GUARDED, UUID.randomUUID().toString().toCharArray());
        fixture.deliver(GUARDED, "Subject: kept\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        server = fixture.server().start();
    }

    @AfterAll
    static void stop() {
        server.close();
        fixture.close();
        System.out.println("IMAP fuzzing: " + WireFuzzing.inputsPlayed() + " inputs played");
    }

    @FuzzTest(maxDuration = "2m")
    void imapSession(byte[] input) throws Exception {
        String replies = WireFuzzing.session(server.boundAddress(), input, "\r\nDONE\r\nz LOGOUT\r\n");
        assertThat(replies).startsWith("* OK");
        assertThat(WireFuzzing.greeting(server.boundAddress())).startsWith("* OK");
        assertThat(fixture.messages(GUARDED, "INBOX")).hasSize(1);
    }
}
