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
import org.postline.api.queue.MailRepository;
import org.postline.app.config.ConfigLoader;
import org.postline.mailets.mime.MimeEntity;
import org.postline.mailets.mime.MimeLimits;
import org.postline.mailets.mime.MimeTree;
import org.postline.mailets.mime.SevenBitConverter;
import org.postline.mailets.mime.TransferEncoding;

/**
 * The MIME mailets and matchers in a real pipeline (src/test/resources/mime-pipeline.xml): mail sent over SMTP
 * is stripped, footered, re-headered and made 7-bit, then read back over POP3 and IMAP; a forbidden attachment
 * sends another mail to the "refused" processor instead of the mailbox.
 */
class MimeMailetFlowTest {

    private static final Path PIPELINE = Path.of("src/test/resources/mime-pipeline.xml").toAbsolutePath();

    private static final String PNG_PART = "Content-Type: image/png; name=\"dot.png\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"dot.png\"\r\n\r\n"
            + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4z8DwHwAFAAH/oOOn9AAAAABJRU5ErkJggg==";

    private static final String MESSAGE = "From: Bob <bob@remote.example>\r\n"
            + "To: alice@example.org\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "X-Internal-Trace: build-42\r\n"
            + "Message-ID: <flow-1@remote.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n"
            + "--mix\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
            + "--alt\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Hallo Alice, anbei das Programm. Grüße, Bob\r\n"
            + "--alt\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "<html><body><p>Hallo Alice, anbei das Programm. Gr=C3=BC=C3=9Fe, Bob</p></body></html>\r\n"
            + "--alt--\r\n"
            + "--mix\r\nContent-Type: application/octet-stream; name=\"setup.exe\"\r\n"
            + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"setup.exe\"\r\n\r\n"
            + "TVqQAAMAAAAEAAAA//8AAA==\r\n"
            + "--mix\r\n" + PNG_PART + "\r\n"
            + "--mix--\r\n";

    @TempDir
    Path home;

    private PostlineServer server;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners>
                    <smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                    <pop3 name="pop" port="0" bind="127.0.0.1" tls="none"/>
                    <imap name="imap" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(PIPELINE));
        server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mail.test").load(file), home);
        server.store().users().add("alice@example.org", "alice-pw".toCharArray());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void mailIsStrippedFooteredReheaderedAndSevenBitAndAForbiddenOneIsRefused() throws Exception {
        send(MESSAGE.getBytes(StandardCharsets.UTF_8));
        send(("From: eve@remote.example\r\nTo: alice@example.org\r\nSubject: fun\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n"
                + "--b\r\nContent-Type: application/octet-stream; name=fun.scr\r\n\r\nxx\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII));

        MailRepository refused = server.store().repositories().get("refused");
        for (int i = 0; i < 200 && refused.list().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(refused.list()).hasSize(1);
        assertThat(server.store().repositories().get("error").list()).isEmpty();

        byte[] stored = retrieveOverPop3();
        assertThat(fetchOverImap()).isEqualTo(stored);
        String text = new String(stored, StandardCharsets.US_ASCII);
        assertThat(SevenBitConverter.has8Bit(stored)).as("ConvertTo7Bit ran:%n%s", text).isFalse();
        assertThat(text).contains("Subject: =?ISO-8859-1?Q?[team]_Gr=FC=DFe?=\r\n", "X-Scanned: Postline MIME\r\n",
                "X-Has-Html: yes\r\n", "Message-ID: <flow-1@remote.example>\r\n", PNG_PART)
                .doesNotContain("X-Internal-Trace", "TVqQ");

        MimeEntity message = MimeTree.parse(stored, MimeLimits.DEFAULTS);
        assertThat(message.children()).extracting(c -> c.content().mimeType())
                .containsExactly("multipart/alternative", "text/plain", "image/png");
        MimeEntity plain = message.children().get(0).children().get(0);
        assertThat(plain.content().transferEncoding()).isEqualTo("quoted-printable");
        assertThat(new String(TransferEncoding.decode(plain), StandardCharsets.UTF_8))
                .isEqualTo("Hallo Alice, anbei das Programm. Grüße, Bob\r\n-- \r\nTeam list, example.org");
        assertThat(new String(TransferEncoding.decode(message.children().get(0).children().get(1)),
                StandardCharsets.UTF_8)).isEqualTo("<html><body><p>Hallo Alice, anbei das Programm. Grüße, Bob</p>"
                + "<p>Team list, <a href=\"https://example.org/\">example.org</a></p>\r\n</body></html>");
        assertThat(new String(message.children().get(1).body(), StandardCharsets.US_ASCII))
                .isEqualTo("The attachment \"setup.exe\" (application/octet-stream, 16 bytes) was removed"
                        + " (file name matches *.exe).");
        assertThat(countOverPop3()).as("the refused mail was not delivered").isEqualTo(1);
    }

    private void send(byte[] message) throws IOException {
        try (Socket socket = connect(0)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO client.test", "250");
            command(out, in, "MAIL FROM:<bob@remote.example> BODY=8BITMIME", "250");
            command(out, in, "RCPT TO:<alice@example.org>", "250");
            command(out, in, "DATA", "354");
            out.write(message);
            command(out, in, ".", "250");
            command(out, in, "QUIT", "221");
        }
    }

    private byte[] retrieveOverPop3() throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Socket socket = connect(1)) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                popLogin(in, out);
                if (!command(out, in, "STAT", "+OK").startsWith("+OK 0 ")) {
                    command(out, in, "RETR 1", "+OK");
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    for (byte[] line = readLine(in); !new String(line, StandardCharsets.ISO_8859_1).equals(".\r\n");
                            line = readLine(in)) {
                        int from = line.length > 0 && line[0] == '.' ? 1 : 0;
                        body.write(line, from, line.length - from);
                    }
                    return body.toByteArray();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing delivered to alice");
    }

    private int countOverPop3() throws IOException {
        try (Socket socket = connect(1)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            popLogin(in, out);
            return Integer.parseInt(command(out, in, "STAT", "+OK").split(" ")[1]);
        }
    }

    private void popLogin(InputStream in, OutputStream out) throws IOException {
        expect(in, "+OK");
        command(out, in, "USER alice@example.org", "+OK");
        command(out, in, "PASS alice-pw", "+OK");
    }

    private byte[] fetchOverImap() throws IOException {
        try (Socket socket = connect(2)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            expect(in, "* OK");
            untilTagged(out, in, "a1 LOGIN alice@example.org alice-pw");
            untilTagged(out, in, "a2 SELECT INBOX");
            send(out, "a3 FETCH 1 (BODY.PEEK[])");
            String first = new String(readLine(in), StandardCharsets.US_ASCII);
            assertThat(first).startsWith("* 1 FETCH (").contains("BODY[] {");
            byte[] literal = in.readNBytes(Integer.parseInt(first.substring(first.lastIndexOf('{') + 1,
                    first.lastIndexOf('}'))));
            untilTagged(out, in, null);
            return literal;
        }
    }

    private static void untilTagged(OutputStream out, InputStream in, String command) throws IOException {
        if (command != null) {
            send(out, command);
        }
        for (int lines = 0; lines < 100; lines++) {
            String line = new String(readLine(in), StandardCharsets.US_ASCII);
            if (line.startsWith("a")) {
                assertThat(line).contains(" OK ");
                return;
            }
        }
        throw new AssertionError("no tagged reply");
    }

    private Socket connect(int listener) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.listeners().get(listener).address().getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String command(OutputStream out, InputStream in, String line, String reply) throws IOException {
        send(out, line);
        return expect(in, reply);
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

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

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        throw new IOException("connection closed");
    }
}
