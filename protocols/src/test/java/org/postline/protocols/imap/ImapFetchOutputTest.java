package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;

/**
 * The exact bytes of FETCH replies, which the server sends in batches: many literals larger together than a
 * batch, bodies held in files, one larger than the server copies (streamed), bodies shared by several messages,
 * partial fetches, over STARTTLS, and an IDLE update still sent at once after them.
 */
class ImapFetchOutputTest {

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private static TestUsers.Account user;
    private static List<byte[]> messages;
    private ImapListener server;

    @BeforeAll
    static void openStore() throws Exception {
        fixture = new ImapFixture(directory);
        user = fixture.users.fresh("fetcher");
        messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            messages.add(message(i, 6_000));
        }
        // Above the store's 64 KiB inline limit (a file), then above what the IMAP writer copies (streamed).
        messages.add(message(30, 100_000));
        messages.add(message(31, BatchedResponseWriter.COPIED_LITERAL_LIMIT + 50_000));
        for (int i = 32; i < 36; i++) {
            messages.add(message(i, 300 + i));
        }
        // Other headers on the body of message 1: the store keeps that body once, read once per batch.
        messages.add(withBodyOf(messages.get(0), 36));
        messages.add(withBodyOf(messages.get(0), 37));
        for (byte[] message : messages) {
            fixture.deliver(user.address(), message);
        }
        assertThat(fixture.messages(user.address(), "INBOX")).hasSize(messages.size());
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A message of about {@code size} bytes whose every line tells where it is. */
    private static byte[] message(int index, int size) {
        StringBuilder text = new StringBuilder("From: sender@example.net\r\nTo: fetcher@example.org\r\nSubject: message "
            + index + "\r\nMessage-ID: <m" + index + "@example.net>\r\n\r\n");
        for (int line = 0; text.length() < size; line++) {
            text.append("message ").append(index).append(" line ").append(line).append(" ~!@#$%^&*()_+\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A message with its own header and the body of {@code other}. */
    private static byte[] withBodyOf(byte[] other, int index) {
        String text = new String(other, StandardCharsets.US_ASCII);
        return ("From: sender@example.net\r\nSubject: shared body " + index + "\r\n"
            + text.substring(text.indexOf("\r\n\r\n") + 2)).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] body(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        return text.substring(text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] fetchReply(int number, String item, byte[] literal) {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        reply.writeBytes(("* " + number + " FETCH (" + item + " {" + literal.length + "}\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        reply.writeBytes(literal);
        reply.writeBytes(")\r\n".getBytes(StandardCharsets.US_ASCII));
        return reply.toByteArray();
    }

    private static byte[] allBodies() {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < messages.size(); i++) {
            expected.writeBytes(fetchReply(i + 1, "BODY[]", messages.get(i)));
        }
        return expected.toByteArray();
    }

    /** The reply without its tagged line, which must be an OK. */
    private static byte[] untagged(byte[] reply) {
        int lastLine = reply.length - 2;
        while (lastLine > 0 && reply[lastLine - 1] != '\n') {
            lastLine--;
        }
        assertThat(new String(reply, lastLine, reply.length - lastLine, StandardCharsets.US_ASCII))
            .contains(" OK ").endsWith("\r\n");
        return Arrays.copyOf(reply, lastLine);
    }

    private void fetchesExactly(ImapClient client) throws Exception {
        assertThat(client.status("SELECT INBOX")).contains(" OK ");
        assertThat(untagged(client.rawCommand("FETCH 1:* BODY.PEEK[]"))).isEqualTo(allBodies());
        int shared = messages.size() - 1;
        ByteArrayOutputStream texts = new ByteArrayOutputStream();
        texts.writeBytes(fetchReply(1, "BODY[TEXT]", body(messages.get(0))));
        texts.writeBytes(fetchReply(2, "BODY[TEXT]", body(messages.get(1))));
        assertThat(untagged(client.rawCommand("FETCH 1:2 BODY.PEEK[TEXT]"))).isEqualTo(texts.toByteArray());
        assertThat(body(messages.get(shared))).isEqualTo(body(messages.get(0)));
        assertThat(untagged(client.rawCommand("FETCH " + (shared + 1) + " BODY.PEEK[TEXT]")))
            .isEqualTo(fetchReply(shared + 1, "BODY[TEXT]", body(messages.get(0))));
        byte[] second = messages.get(1);
        assertThat(untagged(client.rawCommand("FETCH 2 BODY.PEEK[]<0.100>")))
            .isEqualTo(fetchReply(2, "BODY[]<0>", Arrays.copyOfRange(second, 0, 100)));
        assertThat(untagged(client.rawCommand("FETCH 2 BODY.PEEK[]<10.50>")))
            .isEqualTo(fetchReply(2, "BODY[]<10>", Arrays.copyOfRange(second, 10, 60)));
        byte[] streamed = messages.get(31);
        assertThat(untagged(client.rawCommand("FETCH 32 BODY.PEEK[]<1000.300000>")))
            .isEqualTo(fetchReply(32, "BODY[]<1000>", Arrays.copyOfRange(streamed, 1000, 301_000)));
        // Pipelined: each reply whole and in order.
        client.send("p1 FETCH 31 BODY.PEEK[]\r\np2 FETCH 1 BODY.PEEK[]\r\n");
        List<String> lines = client.readUntilTagged("p2");
        assertThat(lines.get(0)).isEqualTo("* 31 FETCH (BODY[] {" + messages.get(30).length + "}");
        int firstDone = lines.indexOf("p1 OK FETCH completed.");
        assertThat(firstDone).isPositive().isLessThan(lines.indexOf("* 1 FETCH (BODY[] {" + messages.get(0).length + "}"));
    }

    @Test
    void fetchedBodiesAreTheStoredBytesInOrder() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = ImapClient.connect(server.boundAddress())) {
            client.login(user);
            fetchesExactly(client);
        }
    }

    @Test
    void fetchedBodiesAreExactOverStartTls() throws Exception {
        server = fixture.server().tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        try (ImapClient client = ImapClient.connect(server.boundAddress())) {
            assertThat(client.startTls()).contains(" OK ");
            client.login(user);
            fetchesExactly(client);
        }
    }

    @Test
    void idleUpdatesStillGoOutAtOnceAfterALargeFetch() throws Exception {
        server = fixture.server().start();
        TestUsers.Account idler = fixture.users.fresh("idler");
        fixture.deliver(idler.address(), messages.get(0));
        try (ImapClient client = ImapClient.connect(server.boundAddress())) {
            client.login(idler);
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
            assertThat(untagged(client.rawCommand("FETCH 1 BODY.PEEK[]")))
                .isEqualTo(fetchReply(1, "BODY[]", messages.get(0)));
            String tag = client.nextTag();
            client.send(tag + " IDLE\r\n");
            assertThat(client.readLine()).startsWith("+");
            fixture.deliver(idler.address(), messages.get(31));
            assertThat(client.readUntil("* 2 EXISTS")).last().isEqualTo("* 2 EXISTS");
            client.send("DONE\r\n");
            assertThat(client.readUntilTagged(tag)).last().asString().contains(" OK ");
            assertThat(untagged(client.rawCommand("FETCH 2 BODY.PEEK[]")))
                .isEqualTo(fetchReply(2, "BODY[]", messages.get(31)));
        }
    }
}
