package org.postline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full session with every logger at TRACE: users made with the command line (server stopped and running),
 * good and bad logins over SMTP (AUTH PLAIN and LOGIN), POP3 and IMAP, a password change. No password may
 * appear in any log, raw or in the base64 forms the protocols carry; nothing under var/ may be open to other
 * users of the machine.
 */
class SecretsIT {

    private static final String ALICE = "alice@" + Installation.DOMAIN;
    private static final String CAROL = "carol@" + Installation.DOMAIN;
    private static final String ALICE_PW = "Alice-pw-7f3kq9";
    private static final String ALICE_NEW_PW = "Alice-new-pw-2hd8x";
    private static final String CAROL_PW = "Carol-pw-9zq1mv";
    private static final String WRONG_PW = "Wrong-guess-4tr6ye";

    @TempDir
    Path work;

    private Installation postline;

    @AfterEach
    void tearDown() throws Exception {
        if (postline != null) {
            postline.close();
        }
    }

    @Test
    void noPasswordReachesAnyLogAndVarIsPrivate() throws Exception {
        postline = new Installation(work);
        postline.logEverything();
        List<String> out = new ArrayList<>();
        assertThat(postline.admin(out, CAROL_PW + "\n", "user", "add", CAROL)).as(out.toString()).isZero();
        postline.start();
        assertThat(postline.admin(out, ALICE_PW + "\n", "user", "add", ALICE)).as(out.toString()).isZero();

        try (Line smtp = new Line(postline.submissionPort)) {
            smtp.expect("220");
            smtp.send("EHLO client.test", "250");
            smtp.send("AUTH PLAIN " + b64("\0" + ALICE + "\0" + WRONG_PW), "535");
            smtp.send("AUTH LOGIN", "334");
            smtp.send(b64(ALICE), "334");
            smtp.send(b64(ALICE_PW), "235");
        }
        try (Line smtp = new Line(postline.submissionPort)) {
            smtp.expect("220");
            smtp.send("EHLO client.test", "250");
            smtp.send("AUTH PLAIN " + b64(ALICE + "\0" + ALICE + "\0" + ALICE_PW), "235");
            smtp.send("MAIL FROM:<" + ALICE + ">", "250");
            smtp.send("RCPT TO:<" + CAROL + ">", "250");
            smtp.send("DATA", "354");
            smtp.send("Subject: hello\r\n\r\nhi\r\n.", "250");
        }
        try (Line pop3 = new Line(postline.pop3Port)) {
            pop3.expect("+OK");
            pop3.send("USER " + CAROL, "+OK");
            pop3.send("PASS " + WRONG_PW, "-ERR");
            pop3.send("USER " + CAROL, "+OK");
            pop3.send("PASS " + CAROL_PW, "+OK");
            pop3.send("QUIT", "+OK");
        }
        try (Line imap = new Line(postline.imapPort)) {
            imap.expect("* OK");
            imap.send("a1 LOGIN " + CAROL + " " + WRONG_PW, "a1 NO");
            imap.send("a2 LOGIN \"" + CAROL + "\" \"" + CAROL_PW + "\"", "a2 OK");
            imap.send("a3 LOGOUT", "* BYE");
        }
        try (Line imap = new Line(postline.imapPort)) {
            imap.expect("* OK");
            imap.send("b1 AUTHENTICATE PLAIN", "+");
            imap.send(b64("\0" + ALICE + "\0" + ALICE_PW), "b1 OK");
        }
        assertThat(postline.admin(out, ALICE_NEW_PW + "\n", "user", "passwd", ALICE)).as(out.toString()).isZero();
        assertThat(postline.terminate()).isIn(0, 143);

        List<String> logLines = new ArrayList<>(postline.output);
        try (Stream<Path> files = Files.walk(postline.home.resolve("var/logs"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                logLines.addAll(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(logLines).as("the run logged at TRACE").hasSizeGreaterThan(100);
        for (String secret : secretForms()) {
            assertThat(logLines).as("log lines holding a secret").noneMatch(line -> line.contains(secret));
        }

        assertOwnerOnly(postline.home.resolve("var"));
    }

    /** Each password raw, base64 alone, and inside the base64 AUTH PLAIN messages sent above. */
    private static List<String> secretForms() {
        List<String> forms = new ArrayList<>();
        for (String password : List.of(ALICE_PW, ALICE_NEW_PW, CAROL_PW, WRONG_PW)) {
            forms.add(password);
            forms.add(b64(password));
        }
        forms.add(b64("\0" + ALICE + "\0" + WRONG_PW));
        forms.add(b64(ALICE + "\0" + ALICE + "\0" + ALICE_PW));
        forms.add(b64("\0" + ALICE + "\0" + ALICE_PW));
        return forms;
    }

    /** var/ is closed to group and others, and so is everything in it (the admin socket, Derby, keys, logs, mail). */
    private static void assertOwnerOnly(Path var) throws IOException {
        Set<PosixFilePermission> open = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        List<String> tooOpen = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(var)) {
            for (Path path : paths.toList()) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                if (permissions.stream().anyMatch(open::contains)) {
                    tooOpen.add(PosixFilePermissions.toString(permissions) + " " + var.relativize(path));
                }
            }
        }
        assertThat(tooOpen).as("paths under var/ readable or writable by others").isEmpty();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A line-oriented client: sends a line, reads replies until one starts with the expected prefix. */
    private static final class Line implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Line(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line, String expected) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            expect(expected);
        }

        void expect(String prefix) throws IOException {
            List<String> seen = new ArrayList<>();
            while (true) {
                String reply = in.readLine();
                if (reply == null) {
                    throw new AssertionError("connection closed waiting for " + prefix + " after " + seen);
                }
                seen.add(reply);
                boolean continued = reply.length() > 3 && reply.charAt(3) == '-' && Character.isDigit(reply.charAt(0));
                boolean untaggedImap = reply.startsWith("* ") && !prefix.startsWith("*");
                if (!continued && !untaggedImap) {
                    assertThat(reply).as("reply after %s", seen).startsWith(prefix);
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
