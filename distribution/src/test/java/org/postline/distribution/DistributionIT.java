package org.postline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the assembled distribution with {@code bin/postline} and uses it as a user would. */
class DistributionIT {

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
    void treeHasTheDocumentedLayout() throws Exception {
        postline = new Installation(work);
        assertThat(postline.home.resolve("bin/postline")).isExecutable();
        assertThat(postline.home.resolve("conf/mailetcontainer.xml")).isRegularFile();
        assertThat(postline.home.resolve("conf/logback.xml")).isRegularFile();
        assertThat(postline.home.resolve("extensions")).isDirectory();
        assertThat(postline.home.resolve("systemd/postline.service")).content()
                .contains("AmbientCapabilities=CAP_NET_BIND_SERVICE");
        assertThat(postline.home.resolve("var")).doesNotExist();
        Path tarball = Path.of(System.getProperty("postline.dist") + ".tar.gz");
        assertThat(tarball).isRegularFile();
    }

    @Test
    void adminCommandsWorkStoppedAndRunningAndSigtermStopsCleanly() throws Exception {
        postline = new Installation(work);
        List<String> out = new ArrayList<>();

        // Server stopped: the command line opens the store itself.
        assertThat(postline.admin(out, null, "domain", "add", "other.test")).as(out.toString()).isZero();
        assertThat(postline.admin(out, "alice-secret\n", "user", "add", "alice@other.test")).as(out.toString()).isZero();
        out.clear();
        assertThat(postline.admin(out, null, "domain", "add", "other.test")).isNotZero();
        assertThat(String.join("\n", out)).contains("other.test");

        postline.start();
        assertThat(postline.home.resolve("var/logs/postline.log")).isRegularFile();
        // Temporary files of the server (large IMAP literals) stay in var/, private to its user.
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(postline.home.resolve("var/tmp")))).isEqualTo("rwx------");

        // Server running: the same commands go through the admin socket.
        out.clear();
        assertThat(postline.admin(out, null, "user", "list")).as(out.toString()).isZero();
        assertThat(out).contains("alice@other.test");
        assertThat(postline.admin(out, "bob-secret\n", "user", "add", "bob@" + Installation.DOMAIN))
                .as(out.toString()).isZero();
        assertThat(postline.admin(out, null, "alias", "add", "info@" + Installation.DOMAIN, "bob@" + Installation.DOMAIN))
                .as(out.toString()).isZero();

        send(postline.smtpPort, "alice@other.test", "info@" + Installation.DOMAIN, "first message");
        assertThat(awaitPop3Subjects("bob@" + Installation.DOMAIN, "bob-secret", 1)).containsExactly("first message");

        int exit = postline.terminate();
        assertThat(exit).as(String.join("\n", postline.output)).isIn(0, 143);
        assertThat(postline.output).as("exit " + exit).anyMatch(line -> line.contains("Postline stopped"));
        assertThat(postline.output).noneMatch(line -> line.contains("ERROR"));
    }

    @Test
    void mailAcceptedBeforeSigkillIsDeliveredAfterRestart() throws Exception {
        postline = new Installation(work);
        List<String> out = new ArrayList<>();
        postline.start();
        assertThat(postline.admin(out, "carol-secret\n", "user", "add", "carol@" + Installation.DOMAIN))
                .as(out.toString()).isZero();

        int messages = 30;
        List<String> queueIds = sendRaw(postline.smtpPort, "carol@" + Installation.DOMAIN, messages);
        // Killed the moment the last 250 arrived: no shutdown hook, no flush, nothing graceful.
        postline.kill();
        assertThat(queueIds).hasSize(messages).doesNotHaveDuplicates();

        postline.start();
        List<String> subjects = awaitPop3Subjects("carol@" + Installation.DOMAIN, "carol-secret", messages);
        // Nothing lost. A mail delivered just before the kill but not yet marked done in the spool is delivered
        // again after the restart (at-least-once, documented); such duplicates are reported, not hidden.
        assertThat(subjects.stream().distinct().count()).as("distinct messages in the INBOX").isEqualTo(messages);
        System.out.println("crash test: " + (subjects.size() - messages) + " duplicate(s) after SIGKILL");
        assertThat(postline.terminate()).isIn(0, 143);
    }

    @Test
    void startStatusStopRunItAsADaemonWithAPidFile() throws Exception {
        postline = new Installation(work);
        List<String> out = new ArrayList<>();
        try {
            assertThat(postline.admin(out, null, "status")).as(out.toString()).isEqualTo(3);
            assertThat(postline.admin(out, null, "start")).as(out.toString()).isZero();
            assertThat(out).anyMatch(line -> line.startsWith("postline: started (pid "));
            long pid = Long.parseLong(Files.readString(postline.home.resolve("var/postline.pid")).trim());
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());

            out.clear();
            assertThat(postline.admin(out, null, "status")).as(out.toString()).isZero();
            assertThat(out).containsExactly("postline: running (pid " + pid + ")");
            assertThat(postline.admin(out, null, "start")).isZero();
            assertThat(out).contains("postline: already running (pid " + pid + ")");

            out.clear();
            assertThat(postline.admin(out, null, "stop")).as(out.toString()).isZero();
            assertThat(out).containsExactly("postline: stopped");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(postline.home.resolve("var/postline.pid")).doesNotExist();
            assertThat(postline.admin(out, null, "status")).isEqualTo(3);
            assertThat(postline.home.resolve("var/logs/console.out")).content().contains("Postline stopped");
        } finally {
            postline.admin(new ArrayList<>(), null, "stop");
        }
    }

    @Test
    void portInUseStopsTheStartNamingFileAndLine() throws Exception {
        postline = new Installation(work);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(postline.smtpPort, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            List<String> out = new ArrayList<>();
            Process run = new ProcessBuilder(postline.home.resolve("bin/postline").toString(), "run")
                    .directory(postline.home.toFile()).redirectErrorStream(true).start();
            run.getOutputStream().close();
            String text = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor()).isNotZero();
            assertThat(text).contains("postline.xml:").contains("already in use").contains(String.valueOf(postline.smtpPort));
        }
        assertThat(Files.exists(postline.home.resolve("var/admin.sock"))).isFalse();
    }

    @Test
    void aClassDataArchiveIsWrittenOnceThenMappedAndADamagedOrStaleOneStillStarts() throws Exception {
        postline = new Installation(work);
        Path cds = postline.home.resolve("var/cds");
        postline.start();
        Path archive = awaitArchive(cds, null);
        assertThat(postline.terminate()).isIn(0, 143);

        // The next start maps it rather than loading those classes from the jars.
        postline.start();
        assertThat(Files.readString(Path.of("/proc/" + postline.pid() + "/maps"))).contains(archive.toString());
        assertThat(postline.terminate()).isIn(0, 143);

        // Damaged: the JVM ignores it, silently, and the server starts and takes mail all the same.
        Files.write(archive, "not an archive".getBytes(StandardCharsets.UTF_8));
        postline.start();
        List<String> out = new ArrayList<>();
        assertThat(postline.admin(out, "dora-secret\n", "user", "add", "dora@" + Installation.DOMAIN))
                .as(out.toString()).isZero();
        send(postline.smtpPort, "someone@other.test", "dora@" + Installation.DOMAIN, "after a damaged archive");
        assertThat(postline.terminate()).isIn(0, 143);
        assertThat(postline.output).noneMatch(line -> line.contains("[cds") || line.contains("shared archive"));

        // Stale: a jar changed, so another archive is written and the old one goes.
        Path jar;
        try (var jars = Files.list(postline.home.resolve("lib"))) {
            jar = jars.filter(path -> path.getFileName().toString().startsWith("postline-app")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        postline.start();
        Path fresh = awaitArchive(cds, archive);
        assertThat(fresh).isNotEqualTo(archive);
        assertThat(archive).doesNotExist();
        assertThat(postline.terminate()).isIn(0, 143);
    }

    /** The archive the running server writes in the background once ready; not {@code other}. */
    private static Path awaitArchive(Path cds, Path other) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.isDirectory(cds)) {
                try (var files = Files.list(cds)) {
                    var found = files.filter(path -> path.getFileName().toString().matches("postline-[0-9]+\\.jsa"))
                            .filter(path -> !path.equals(other)).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no class-data archive in " + cds + " after 60 s");
    }

    private static void send(int port, String from, String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("Hello from the distribution test.\r\n");
        Transport.send(message);
    }

    /** Sends messages over one raw SMTP session; returns the queue ids the 250 replies gave. */
    private static List<String> sendRaw(int port, String to, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, "EHLO client.test");
            expect(in, "250");
            for (int i = 0; i < count; i++) {
                command(out, "MAIL FROM:<sender@remote.test>");
                expect(in, "250");
                command(out, "RCPT TO:<" + to + ">");
                expect(in, "250");
                command(out, "DATA");
                expect(in, "354");
                out.write(("Subject: crash test " + i + "\r\n\r\nbody " + i + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = expect(in, "250");
                ids.add(reply.substring(reply.lastIndexOf(' ') + 1));
            }
        }
        return ids;
    }

    private static void command(OutputStream out, String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one (possibly multi-line) reply and checks its code; returns its last line. */
    private static String expect(BufferedReader in, String code) throws Exception {
        String line;
        do {
            line = in.readLine();
            assertThat(line).as("reply expected").isNotNull();
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertThat(line).startsWith(code);
        return line;
    }

    /** Polls the user's POP3 INBOX until it holds at least {@code expected} messages (bounded); returns their subjects. */
    private List<String> awaitPop3Subjects(String user, String password, int expected) throws Exception {
        Properties props = new Properties();
        props.put("mail.pop3.connectiontimeout", "10000");
        props.put("mail.pop3.timeout", "10000");
        Session session = Session.getInstance(props);
        List<String> subjects = List.of();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Store store = session.getStore("pop3");
            store.connect("127.0.0.1", postline.pop3Port, user, password);
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                List<String> found = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    found.add(message.getSubject());
                }
                subjects = found;
                inbox.close(false);
            } finally {
                store.close();
            }
            if (subjects.size() >= expected) {
                return subjects;
            }
            Thread.sleep(250);
        }
        return subjects;
    }
}
