package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.protocols.netty.OffloadedChunkedStreamAccess;

/**
 * RETR as a client sees it: exact reply bytes, pipelined replies in order, messages read in any order across
 * the rows the maildrop fetches ahead, sizes around the first chunk's, and messages gone from under the session.
 */
class Pop3RetrTest {

    private static final String ALICE = "alice@example.org";

    @TempDir
    static Path var;

    private Pop3TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = Pop3TestServer.builder(var).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Pop3Client alice() throws Exception {
        Pop3Client client = server.connect();
        client.login(ALICE, "alice-secret");
        return client;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theReplyIsTheStatusLineTheStuffedMessageAndTheEndLineThenTheNextReply() throws Exception {
        server.append(ALICE, ascii("Subject: wire\r\n\r\n.dot\r\nplain\r\n..\r\nno end"));
        try (Pop3Client client = alice()) {
            client.write("RETR 1\r\nNOOP\r\n");
            byte[] expected = ascii("+OK Message follows\r\nSubject: wire\r\n\r\n..dot\r\nplain\r\n...\r\nno end\r\n.\r\n");
            assertThat(new String(client.readBytes(expected.length), StandardCharsets.US_ASCII))
                    .isEqualTo(new String(expected, StandardCharsets.US_ASCII));
            assertThat(client.readLine()).startsWith("+OK");
        }
    }

    @Test
    void readsEveryMessageInAnyOrderAcrossTheRowsFetchedAhead() throws Exception {
        int count = 2 * InboxMaildrop.READ_AHEAD + 5;
        List<byte[]> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            byte[] message = TestMessages.simple("message " + i, i);
            messages.add(message);
            server.append(ALICE, message);
        }
        try (Pop3Client client = alice()) {
            for (int i = 1; i <= count; i++) {
                assertThat(client.sendForRawBody("RETR " + i)).as("message %d", i).isEqualTo(messages.get(i - 1));
            }
            for (int i : new int[] {count, 1, InboxMaildrop.READ_AHEAD + 1, InboxMaildrop.READ_AHEAD + 1, 2, count - 1}) {
                assertThat(client.sendForRawBody("RETR " + i)).as("message %d again", i).isEqualTo(messages.get(i - 1));
            }
            assertThat(client.sendMulti("TOP 3 1")).contains("Subject: message 3", "body line 1")
                    .doesNotContain("body line 2");
            assertThat(client.send("DELE 2")).startsWith("+OK");
            assertThat(client.send("RETR 2")).startsWith("-ERR");
            assertThat(client.sendForRawBody("RETR 3")).isEqualTo(messages.get(2));
            assertThat(client.send("QUIT")).startsWith("+OK");
        }
        assertThat(server.messages(ALICE)).hasSize(count - 1);
    }

    @Test
    void messagesAroundTheFirstChunksSizeArriveWhole() throws Exception {
        int chunk = OffloadedChunkedStreamAccess.chunkSize();
        String header = "Subject: size\r\n\r\n";
        List<byte[]> messages = new ArrayList<>();
        for (int delta = -4; delta <= 4; delta++) {
            // The reply body is the message plus ".\r\n": aim it at the chunk's size, give or take a few.
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes(ascii(header));
            int bodyLength = chunk + delta - header.length() - 3;
            while (message.size() < header.length() + bodyLength - 2) {
                message.write('x');
            }
            message.writeBytes(ascii("\r\n"));
            messages.add(message.toByteArray());
            server.append(ALICE, message.toByteArray());
        }
        try (Pop3Client client = alice()) {
            for (int i = 1; i <= messages.size(); i++) {
                assertThat(client.sendForRawBody("RETR " + i)).as("message %d", i).isEqualTo(messages.get(i - 1));
            }
            assertThat(client.send("NOOP")).startsWith("+OK");
        }
    }

    @Test
    void aMessageExpungedElsewhereIsAnErrorAndTheSessionGoesOn() throws Exception {
        server.append(ALICE, TestMessages.simple("one", 1));
        server.append(ALICE, TestMessages.simple("two", 2));
        try (Pop3Client client = alice()) {
            server.expunge(ALICE, 2);
            assertThat(client.send("RETR 2")).startsWith("-ERR");
            assertThat(client.sendForRawBody("RETR 1")).isEqualTo(TestMessages.simple("one", 1));
            assertThat(client.send("QUIT")).startsWith("+OK");
        }
        assertThat(server.messages(ALICE)).hasSize(1);
    }
}
