package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.postline.protocols.fuzz.WireFuzzing;

/**
 * Jazzer fuzzing of the SMTP command parsers and state machine through a live listener. Plain {@code mvn
 * verify} replays the seed corpus ({@code SmtpCommandFuzzTestInputs/} in test resources); with
 * {@code JAZZER_FUZZ=1} Jazzer mutates it, coverage-guided, for {@code maxDuration}. Beyond "no crash, no
 * hang, the listener survives", a client without relay rights must never get mail for a foreign domain
 * into the spool, whatever it sends.
 */
class SmtpCommandFuzzTest {

    @TempDir
    static Path var;

    private static SmtpTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
    }

    @AfterAll
    static void stop() {
        server.close();
        System.out.println("SMTP fuzzing: " + WireFuzzing.inputsPlayed() + " inputs played");
    }

    @FuzzTest(maxDuration = "2m")
    void smtpSession(byte[] input) throws Exception {
        String replies = WireFuzzing.session(server.address(), input, "\r\n.\r\nQUIT\r\n");
        assertThat(replies).startsWith("220 ");
        assertThat(WireFuzzing.greeting(server.address())).startsWith("220 ");
        for (FakeSpool.Stored mail : server.spool.committed) {
            assertThat(mail.envelope().recipients()).as("recipients of mail from a client without relay rights")
                    .allMatch(rcpt -> server.directory.domains.isLocal(rcpt.substring(rcpt.lastIndexOf('@') + 1)));
        }
    }
}
