package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling (CVE-2023-51747): any line in DATA not ending in CRLF, or holding a bare CR, discards the
 * message and ends the session, so no smuggled second message is ever accepted.
 */
class SmtpSmugglingTest {

    private static final String SMUGGLED = "MAIL FROM:<admin@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
            + "Subject: smuggled\r\n\r\nevil\r\n.\r\n";

    @TempDir
    Path var;

    private SmtpTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = SmtpTestServer.builder(var).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Arguments> smugglingVariants() {
        return Stream.of(
                Arguments.of("<LF>.<CR><LF>", "Subject: a\r\n\r\nfirst\n.\r\n" + SMUGGLED),
                Arguments.of("<CR><LF>.<LF>", "Subject: a\r\n\r\nfirst\r\n.\n" + SMUGGLED),
                Arguments.of("<LF>.<LF>", "Subject: a\r\n\r\nfirst\n.\n" + SMUGGLED),
                Arguments.of("<CR>.<CR><LF>", "Subject: a\r\n\r\nfirst\r.\r\n" + SMUGGLED),
                Arguments.of("<CR><LF>.<CR>", "Subject: a\r\n\r\nfirst\r\n.\r" + SMUGGLED),
                Arguments.of("<CR>.<CR>", "Subject: a\r\n\r\nfirst\r.\r" + SMUGGLED),
                Arguments.of("<LF>.<CR>", "Subject: a\r\n\r\nfirst\n.\r" + SMUGGLED),
                Arguments.of("<CR><CR><LF>.<CR><CR><LF>", "Subject: a\r\n\r\nfirst\r\r\n.\r\r\n" + SMUGGLED),
                Arguments.of("bare LF in a header", "Subject: a\nX-Other: b\r\n\r\nbody\r\n.\r\n"),
                Arguments.of("bare CR in the body", "Subject: a\r\n\r\nbo\rdy\r\n.\r\n"),
                Arguments.of(".x<LF> as a would-be terminator", "Subject: a\r\n\r\nbody\r\n.x\n" + SMUGGLED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingVariants")
    void discardsTheMessageAndClosesTheSession(String variant, String data) throws Exception {
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            assertThat(client.send("DATA")).startsWith("354");
            client.write(data);
            assertThat(client.readReply()).startsWith("500 5.5.2 Bare CR or LF in message data");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.spool.committed).isEmpty();
        assertThat(server.spool.begun.get()).isEqualTo(1);
        assertThat(server.spool.aborted.get()).isEqualTo(1);
    }

    @Test
    void onlyAnExactDotCrLfEndsData() throws Exception {
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            assertThat(client.send("DATA")).startsWith("354");
            client.write("Subject: a\r\n\r\n. \r\n.x\r\n..\r\n");
            client.write(".\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0");
        }
        assertThat(server.spool.only().text()).endsWith("Subject: a\r\n\r\n \r\nx\r\n.\r\n");
    }

    @Test
    void bareLineFeedsInCommandsDoNotOpenAHole() throws Exception {
        try (SmtpClient client = server.connect()) {
            client.write("EHLO client.test\n");
            assertThat(client.readReply()).startsWith("250");
            client.write("MAIL FROM:<a@remote.example>\nRCPT TO:<alice@example.org>\nDATA\n");
            assertThat(client.readReply()).startsWith("250");
            assertThat(client.readReply()).startsWith("250");
            assertThat(client.readReply()).startsWith("354");
            client.write("Subject: a\n.\n");
            assertThat(client.readReply()).startsWith("500 5.5.2");
        }
        assertThat(server.spool.committed).isEmpty();
    }
}
