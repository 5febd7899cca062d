package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.directory.Rewrite;
import org.postline.app.config.ConfigLoader;

/**
 * The whole path with the shipped pipeline, on raw sockets so every byte is seen: SMTP in (to a user, an
 * alias and a domain alias), LocalDelivery into the INBOXes, POP3 and IMAP out — the message byte for byte,
 * with lines that start with a dot and 8-bit content.
 */
class MailFlowTest {

    private static final Path SHIPPED_PIPELINE = Path.of("../../conf/mailetcontainer.xml").toAbsolutePath().normalize();

    /** Dot lines (stuffed on the wire both ways) and 8-bit UTF-8 text, CRLF throughout. */
    private static final byte[] MESSAGE = ("From: Bob <bob@remote.example>\r\n"
            + "To: team@example.org\r\n"
            + "Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Grüße aus Köln — ünïcödé.\r\n"
            + ".a line starting with a dot\r\n"
            + "..two dots\r\n"
            + ".\tdot and tab\r\n"
            + "last line\r\n").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    private PostlineServer server;

    /** The {@code <storage>} element: none (Derby under var/) here; the PostgreSQL twin overrides it. */
    String storage() {
        return "";
    }

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org" postmaster="dave@example.org"><domain>example.org</domain><domain>example.net</domain></domains>
                  %s
                  <listeners>
                    <smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                    <pop3 name="pop" port="0" bind="127.0.0.1" tls="none"/>
                    <imap name="imap" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(storage(), SHIPPED_PIPELINE));
        server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mail.test").load(file), home);
        server.store().users().add("alice@example.org", "alice-pw".toCharArray());
        server.store().users().add("carol@example.org", "carol-pw".toCharArray());
        server.store().users().add("dave@example.org", "dave-pw".toCharArray());
        server.store().rewrites().add(new Rewrite(Rewrite.Kind.ADDRESS, "team@example.org", "carol@example.org"));
        server.store().rewrites().add(new Rewrite(Rewrite.Kind.DOMAIN, "example.net", "example.org"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aMessageToAUserAnAliasAndADomainAliasIsReadOverPop3ByteForByte() throws Exception {
        String queueId = sendOverSmtp("bob@remote.example", MESSAGE,
                "alice@example.org", "team@example.org", "dave@example.net");
        assertThat(queueId).isNotBlank();

        for (String user : new String[] {"alice@example.org", "carol@example.org", "dave@example.org"}) {
            byte[] stored = retrieveOverPop3(user, user.substring(0, user.indexOf('@')) + "-pw");
            String text = new String(stored, StandardCharsets.UTF_8);
            assertThat(text).startsWith("Return-Path: <bob@remote.example>\r\nDelivered-To: " + user + "\r\n");
            assertThat(text).contains("Received: from client.test");
            // What the sender wrote follows the added trace headers unchanged, byte for byte.
            assertThat(endsWith(stored, MESSAGE)).as("%s gets the message byte for byte:%n%s", user, text).isTrue();
            // IMAP reads the very same bytes from the same mailbox.
            assertThat(fetchOverImap(user, user.substring(0, user.indexOf('@')) + "-pw")).isEqualTo(stored);
        }
    }

    /** BODY.PEEK[] of the first INBOX message over IMAP, as the literal's raw bytes. */
    private byte[] fetchOverImap(String user, String password) throws IOException {
        int port = server.listeners().get(2).address().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            expect(in, "* OK");
            send(out, "a1 LOGIN " + user + " " + password);
            untilTagged(in, "a1 OK");
            send(out, "a2 SELECT INBOX");
            untilTagged(in, "a2 OK");
            send(out, "a3 FETCH 1 (BODY.PEEK[])");
            String first = new String(readLine(in), StandardCharsets.US_ASCII);
            assertThat(first).startsWith("* 1 FETCH (").contains("BODY[] {");
            int size = Integer.parseInt(first.substring(first.lastIndexOf('{') + 1, first.lastIndexOf('}')));
            byte[] literal = in.readNBytes(size);
            untilTagged(in, "a3 OK");
            send(out, "a4 LOGOUT");
            return literal;
        }
    }

    private static void untilTagged(InputStream in, String tagged) throws IOException {
        for (int lines = 0; lines < 100; lines++) {
            String line = new String(readLine(in), StandardCharsets.UTF_8);
            if (line.startsWith(tagged.substring(0, tagged.indexOf(' ') + 1))) {
                assertThat(line).startsWith(tagged);
                return;
            }
        }
        throw new AssertionError("no " + tagged);
    }

    @Test
    void postmasterOfEveryLocalDomainReachesThePostmasterNamedInPostlineXml() throws Exception {
        sendOverSmtp("bob@remote.example", MESSAGE, "postmaster@example.net");
        byte[] stored = retrieveOverPop3("dave@example.org", "dave-pw");
        assertThat(new String(stored, StandardCharsets.UTF_8)).contains("Delivered-To: dave@example.org\r\n");
        assertThat(endsWith(stored, MESSAGE)).isTrue();
    }

    /** Delivery resolves the INBOX from memory: once renamed, the next mail goes to a new INBOX, not to the old one. */
    @Test
    void mailAfterTheInboxWasRenamedLandsInANewInbox() throws Exception {
        sendOverSmtp("bob@remote.example", "Subject: first\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII),
            "alice@example.org");
        assertThat(new String(retrieveOverPop3("alice@example.org", "alice-pw"), StandardCharsets.US_ASCII))
            .contains("Subject: first");
        assertThat(imap("alice@example.org", "alice-pw", "RENAME INBOX Old")).contains("a2 OK");

        sendOverSmtp("bob@remote.example", "Subject: second\r\n\r\ntwo\r\n".getBytes(StandardCharsets.US_ASCII),
            "alice@example.org");
        assertThat(new String(retrieveOverPop3("alice@example.org", "alice-pw"), StandardCharsets.US_ASCII))
            .contains("Subject: second").doesNotContain("Subject: first");
        assertThat(imap("alice@example.org", "alice-pw", "STATUS INBOX (MESSAGES)")).contains("(MESSAGES 1)").contains("a2 OK");
        assertThat(imap("alice@example.org", "alice-pw", "STATUS Old (MESSAGES)")).contains("(MESSAGES 1)");
    }

    /** Logs in, runs one command and returns its untagged and tagged reply lines. */
    private String imap(String user, String password, String command) throws IOException {
        int port = server.listeners().get(2).address().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            expect(in, "* OK");
            send(out, "a1 LOGIN " + user + " " + password);
            untilTagged(in, "a1 OK");
            send(out, "a2 " + command);
            StringBuilder reply = new StringBuilder();
            for (int lines = 0; lines < 100; lines++) {
                String line = new String(readLine(in), StandardCharsets.UTF_8);
                reply.append(line).append('\n');
                if (line.startsWith("a2 ")) {
                    send(out, "a3 LOGOUT");
                    return reply.toString();
                }
            }
            throw new AssertionError("no reply to " + command + ": " + reply);
        }
    }

    private String sendOverSmtp(String from, byte[] message, String... recipients) throws IOException {
        int port = server.listeners().get(0).address().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            send(out, "EHLO client.test");
            assertThat(expect(in, "250")).contains("8BITMIME");
            send(out, "MAIL FROM:<" + from + "> BODY=8BITMIME");
            expect(in, "250");
            for (String recipient : recipients) {
                send(out, "RCPT TO:<" + recipient + ">");
                expect(in, "250");
            }
            send(out, "DATA");
            expect(in, "354");
            out.write(dotStuff(message));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = expect(in, "250");
            send(out, "QUIT");
            return reply.substring(reply.lastIndexOf(' ') + 1).trim();
        }
    }

    /** Waits (bounded) for the user's first message and returns it, dot-unstuffed. */
    private byte[] retrieveOverPop3(String user, String password) throws Exception {
        int port = server.listeners().get(1).address().getPort();
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                expect(in, "+OK");
                send(out, "USER " + user);
                expect(in, "+OK");
                send(out, "PASS " + password);
                expect(in, "+OK");
                send(out, "STAT");
                String stat = expect(in, "+OK");
                if (!stat.startsWith("+OK 0 ")) {
                    send(out, "RETR 1");
                    expect(in, "+OK");
                    byte[] body = readMultiline(in);
                    send(out, "QUIT");
                    return body;
                }
                send(out, "QUIT");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no message for " + user);
    }

    private static byte[] dotStuff(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    /** Reads a POP3 multi-line answer up to the lone dot and undoes the dot-stuffing. */
    private static byte[] readMultiline(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            byte[] line = readLine(in);
            String text = new String(line, StandardCharsets.ISO_8859_1);
            if (text.equals(".\r\n")) {
                return body.toByteArray();
            }
            int from = text.startsWith(".") ? 1 : 0;
            body.write(line, from, line.length - from);
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        if (b == -1) {
            throw new IOException("connection closed");
        }
        return line.toByteArray();
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one reply, multi-line SMTP replies included; checks its start; returns all of it. */
    private static String expect(InputStream in, String prefix) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = new String(readLine(in), StandardCharsets.UTF_8);
            reply.append(line);
        } while (line.length() > 3 && line.charAt(3) == '-' && Character.isDigit(line.charAt(0)));
        assertThat(reply.toString()).startsWith(prefix);
        return reply.toString();
    }

    private static boolean endsWith(byte[] whole, byte[] tail) {
        if (whole.length < tail.length) {
            return false;
        }
        for (int i = 0; i < tail.length; i++) {
            if (whole[whole.length - tail.length + i] != tail[i]) {
                return false;
            }
        }
        return true;
    }
}
