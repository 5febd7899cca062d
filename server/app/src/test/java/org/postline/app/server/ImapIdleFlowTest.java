package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.config.ConfigLoader;

/**
 * IDLE through the whole server with the shipped pipeline: mail accepted over SMTP reaches an idling IMAP
 * session as EXISTS (the delay is printed; timings are measured by benchmarks, not asserted), and one
 * session's flag changes and expunges reach another session that idles on the same INBOX. Raw sockets, so
 * every line the idler receives is seen.
 */
class ImapIdleFlowTest {

    private static final Path SHIPPED_PIPELINE = Path.of("../../conf/mailetcontainer.xml").toAbsolutePath().normalize();

    /** Every wait is bounded by this, so a missing notification fails clearly instead of hanging the build. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final Pattern SEEN_FLAGS_OF_1 = Pattern.compile("\\* 1 FETCH \\(.*FLAGS \\([^)]*\\\\Seen.*", Pattern.DOTALL);

    @TempDir
    Path home;

    private PostlineServer server;
    private final List<Socket> sockets = new ArrayList<>();

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
                  <domains default="example.org" postmaster="alice@example.org"><domain>example.org</domain></domains>
                  %s
                  <listeners>
                    <smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                    <imap name="imap" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(storage(), SHIPPED_PIPELINE));
        server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mail.test").load(file), home);
        server.store().users().add("alice@example.org", "alice-pw".toCharArray());
    }

    @AfterEach
    void stop() {
        // Sockets first: the server lets sessions in flight finish, and an idling session never would.
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void mailAcceptedOverSmtpAppearsInAnIdlingSession() throws Exception {
        byte[] message = ("From: Bob <bob@remote.example>\r\n"
                + "To: alice@example.org\r\n"
                + "Subject: idle test\r\n"
                + "\r\n"
                + "Wake up, the mail is here.\r\n").getBytes(StandardCharsets.US_ASCII);
        Imap idler = imapAsAlice();
        idler.command("a2 SELECT INBOX");
        idler.send("a3 IDLE");
        assertThat(idler.next(WAIT)).startsWith("+");

        sendOverSmtp(message);
        long accepted = System.nanoTime();
        String exists = idler.until(line -> line.matches("\\* \\d+ EXISTS\\r\\n"), WAIT);
        Duration delay = Duration.ofNanos(System.nanoTime() - accepted);
        System.out.printf("IDLE: EXISTS %d ms after the SMTP 250%n", delay.toMillis());

        assertThat(exists).isEqualTo("* 1 EXISTS\r\n");

        idler.send("DONE");
        assertThat(idler.untilTagged("a3", WAIT)).startsWith("a3 OK");
        idler.send("a4 FETCH 1 (BODY.PEEK[])");
        String fetch = idler.until(line -> line.startsWith("* 1 FETCH (") && line.contains("BODY[] {"), WAIT);
        int size = Integer.parseInt(fetch.substring(fetch.lastIndexOf('{') + 1, fetch.lastIndexOf('}')));
        byte[] stored = idler.bytes(size, WAIT);
        assertThat(idler.untilTagged("a4", WAIT)).startsWith("a4 OK");
        assertThat(endsWith(stored, message))
                .as("the fetched message ends with what was sent:%n%s", new String(stored, StandardCharsets.US_ASCII))
                .isTrue();
    }

    @Test
    void flagChangesAndExpungesOfOneSessionReachAnotherIdlingOnTheSameInbox() throws Exception {
        Imap writer = imapAsAlice();
        append(writer, "b1", "first");
        append(writer, "b2", "second");
        writer.command("b3 SELECT INBOX");

        Imap idler = imapAsAlice();
        List<String> selected = idler.command("c2 SELECT INBOX");
        assertThat(selected).contains("* 2 EXISTS\r\n");
        idler.send("c3 IDLE");
        assertThat(idler.next(WAIT)).startsWith("+");

        writer.command("b4 STORE 1 +FLAGS (\\Seen)");
        String seen = idler.until(line -> line.startsWith("* 1 FETCH"), WAIT);
        assertThat(seen).matches(SEEN_FLAGS_OF_1);

        writer.command("b5 STORE 1 +FLAGS (\\Deleted)");
        assertThat(writer.command("b6 EXPUNGE")).contains("* 1 EXPUNGE\r\n");
        // Any EXPUNGE is read, so a wrong sequence number fails on the assertion rather than on a timeout.
        String expunge = idler.until(line -> line.matches("\\* \\d+ EXPUNGE\\r\\n"), WAIT);
        assertThat(expunge).isEqualTo("* 1 EXPUNGE\r\n");

        idler.send("DONE");
        assertThat(idler.untilTagged("c3", WAIT)).startsWith("c3 OK");
        // The idler's view now holds the one remaining message, which is the second one appended.
        idler.send("c4 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        String header = idler.until(line -> line.startsWith("* 1 FETCH ("), WAIT);
        int size = Integer.parseInt(header.substring(header.lastIndexOf('{') + 1, header.lastIndexOf('}')));
        assertThat(new String(idler.bytes(size, WAIT), StandardCharsets.US_ASCII)).startsWith("Subject: second");
        assertThat(idler.untilTagged("c4", WAIT)).startsWith("c4 OK");
    }

    /** APPENDs a small message with a synchronizing literal (waits for the server's continuation). */
    private static void append(Imap session, String tag, String subject) throws IOException {
        byte[] message = ("From: bob@remote.example\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\n\r\nbody of " + subject + "\r\n").getBytes(StandardCharsets.US_ASCII);
        session.send(tag + " APPEND INBOX {" + message.length + "}");
        assertThat(session.until(line -> line.startsWith("+") || line.startsWith(tag + " "), WAIT)).startsWith("+");
        session.out.write(message);
        session.send("");
        assertThat(session.untilTagged(tag, WAIT)).startsWith(tag + " OK");
    }

    private Imap imapAsAlice() throws IOException {
        Imap session = new Imap(connect("imap"));
        assertThat(session.next(WAIT)).startsWith("* OK");
        session.command("a1 LOGIN alice@example.org alice-pw");
        return session;
    }

    private Socket connect(String listener) throws IOException {
        int port = server.listeners().stream().filter(bound -> bound.name().equals(listener)).findFirst()
                .orElseThrow().address().getPort();
        Socket socket = new Socket("127.0.0.1", port);
        sockets.add(socket);
        return socket;
    }

    /** Sends the message to alice and returns once the final 250 (after the data) has been read. */
    private void sendOverSmtp(byte[] message) throws IOException {
        Socket socket = connect("in");
        socket.setSoTimeout((int) WAIT.toMillis());
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        smtpReply(in, "220");
        write(out, "EHLO client.test");
        smtpReply(in, "250");
        write(out, "MAIL FROM:<bob@remote.example>");
        smtpReply(in, "250");
        write(out, "RCPT TO:<alice@example.org>");
        smtpReply(in, "250");
        write(out, "DATA");
        smtpReply(in, "354");
        // No line of the message starts with a dot, so no dot-stuffing is needed.
        out.write(message);
        write(out, ".");
        smtpReply(in, "250");
        write(out, "QUIT");
    }

    /** Reads one SMTP reply, multi-line included, and checks its code. */
    private static void smtpReply(InputStream in, String code) throws IOException {
        String line;
        do {
            line = new String(readLine(in), StandardCharsets.US_ASCII);
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertThat(line).startsWith(code);
    }

    /** One IMAP connection read line by line, every read bounded by a deadline. */
    private static final class Imap {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Imap(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            write(out, line);
        }

        /** Sends a tagged command and returns its untagged lines plus the tagged reply, which must be OK. */
        List<String> command(String line) throws IOException {
            String tag = line.substring(0, line.indexOf(' '));
            send(line);
            List<String> lines = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                String next = next(Duration.ofNanos(deadline - System.nanoTime()));
                lines.add(next);
                if (next.startsWith(tag + " ")) {
                    assertThat(next).as("reply to %s", line.replace("alice-pw", "***")).startsWith(tag + " OK");
                    return lines;
                }
            }
        }

        String untilTagged(String tag, Duration wait) throws IOException {
            return until(line -> line.startsWith(tag + " "), wait);
        }

        /** Reads lines until one matches; fails if none does within the wait. */
        String until(Predicate<String> wanted, Duration wait) throws IOException {
            long deadline = System.nanoTime() + wait.toNanos();
            List<String> skipped = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("nothing expected within " + wait + "; got " + skipped);
                }
                String line;
                try {
                    line = next(Duration.ofNanos(left));
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("nothing expected within " + wait + "; got " + skipped, e);
                }
                if (wanted.test(line)) {
                    return line;
                }
                skipped.add(line);
            }
        }

        String next(Duration wait) throws IOException {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            return new String(readLine(in), StandardCharsets.UTF_8);
        }

        byte[] bytes(int count, Duration wait) throws IOException {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            byte[] read = in.readNBytes(count);
            assertThat(read).hasSize(count);
            return read;
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("connection closed after " + line);
            }
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        throw new IOException("line too long");
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static boolean endsWith(byte[] whole, byte[] tail) {
        return whole.length >= tail.length
                && Arrays.equals(whole, whole.length - tail.length, whole.length, tail, 0, tail.length);
    }
}
