package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.Postline;
import org.postline.app.config.ConfigLoader;
import org.postline.broker.TestBroker;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;
import org.postline.testing.TestDatabaseUrl;

/**
 * Two Postline nodes on one PostgreSQL database and one Artemis broker (the configuration README's "Running
 * several nodes" shows): mail taken in by one node is read over IMAP on the other, an IMAP session idling on
 * one node hears of mail delivered by the other, and killing a node in the middle of the load loses none of
 * the mail it had accepted.
 */
@ExtendWith(PostgresExtension.class)
class ScaleOutTest {

    private static final Path SHIPPED_PIPELINE = Path.of("../../conf/mailetcontainer.xml").toAbsolutePath().normalize();
    private static final Path REPO_CONF = Path.of("../../conf").toAbsolutePath().normalize();
    private static final Pattern READY_SMTP = Pattern.compile("Postline ready: in 127\\.0\\.0\\.1:(\\d+)");

    private final PostgresCluster cluster;
    @TempDir
    Path dir;
    private TestBroker broker;
    private TestDatabaseUrl database;
    private final List<PostlineServer> servers = new ArrayList<>();
    private Process processNode;

    ScaleOutTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void sharedState() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        database = cluster.createDatabase();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (processNode != null && processNode.isAlive()) {
            processNode.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        for (PostlineServer server : servers) {
            server.close();
        }
        broker.close();
    }

    @Test
    void mailTakenInByOneNodeIsReadOverImapOnTheOther() throws Exception {
        PostlineServer a = startNode("a");
        PostlineServer b = startNode("b");
        a.store().users().add("alice@example.org", "alice-pw".toCharArray());

        send(smtpPort(a), "hello from node a");

        assertThat(awaitSubjects(imapPort(b), 1)).containsExactly("hello from node a");
    }

    /** APPEND over node a's IMAP: the change happens on node a alone (spool workers of both nodes take SMTP mail). */
    @Test
    void anImapSessionIdlingOnOneNodeHearsOfMailAddedOnTheOther() throws Exception {
        PostlineServer a = startNode("a");
        PostlineServer b = startNode("b");
        a.store().users().add("alice@example.org", "alice-pw".toCharArray());
        try (Socket socket = new Socket("127.0.0.1", imapPort(b))) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            untilLine(in, "* OK");
            command(out, "a1 LOGIN alice@example.org alice-pw");
            untilLine(in, "a1 OK");
            command(out, "a2 SELECT INBOX");
            untilLine(in, "a2 OK");
            command(out, "a3 IDLE");
            untilLine(in, "+");

            appendOverImap(imapPort(a), "Subject: wake up on node b\r\n\r\nhello\r\n");

            assertThat(untilLine(in, "* 1 EXISTS")).isEqualTo("* 1 EXISTS");
            command(out, "DONE");
            untilLine(in, "a3 OK");
        }
    }

    private static void appendOverImap(int port, String message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            untilLine(in, "* OK");
            command(out, "b1 LOGIN alice@example.org alice-pw");
            untilLine(in, "b1 OK");
            command(out, "b2 APPEND INBOX {" + message.length() + "}");
            untilLine(in, "+");
            command(out, message);
            untilLine(in, "b2 OK");
        }
    }

    private static void command(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    /** Reads lines until one starts with {@code prefix} (each read bounded by the socket timeout). */
    private static String untilLine(BufferedReader in, String prefix) throws IOException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String line = in.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.add(line);
        }
        throw new AssertionError("no line starting with " + prefix + "; got " + seen);
    }

    @Test
    void killingANodeInTheMiddleOfTheLoadLosesNothingItAccepted() throws Exception {
        PostlineServer b = startNode("b");
        b.store().users().add("alice@example.org", "alice-pw".toCharArray());
        int smtpA = startProcessNode("a");

        Set<String> accepted = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            if (i == 20) {
                processNode.destroyForcibly(); // SIGKILL: no draining, no clean close of anything
            }
            try {
                send(smtpA, "mail " + i);
                accepted.add("mail " + i);
            } catch (MessagingException e) {
                break; // node a is gone; whatever it did not accept, its senders would retry
            }
        }
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(20);
        // Node b takes over what node a had accepted, even the mail node a was processing when it died.
        List<String> delivered = awaitSubjects(imapPort(b), accepted.size());
        assertThat(new HashSet<>(delivered)).containsAll(accepted);
    }

    private String config(String node) {
        return """
                <postline>
                  <hostname>%s.mail.test</hostname>
                  <domains default="example.org" postmaster="alice@example.org"><domain>example.org</domain></domains>
                  %s
                  <broker url="%s"/>
                  <listeners>
                    <smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                    <imap name="imap" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(node, PostgresStorage.element(database), broker.url(), SHIPPED_PIPELINE);
    }

    private Path writeHome(String node) throws IOException {
        Path home = dir.resolve(node);
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/postline.xml"), config(node));
        return home;
    }

    private PostlineServer startNode(String node) throws Exception {
        Path home = writeHome(node);
        PostlineServer server = PostlineServer.start(
                new ConfigLoader(home, Map.of(), node + ".mail.test").load(home.resolve("conf/postline.xml")), home);
        servers.add(server);
        return server;
    }

    /** A node in its own JVM, so that it can be killed; returns its SMTP port. */
    private int startProcessNode(String node) throws Exception {
        Path home = writeHome(node);
        processNode = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + REPO_CONF.resolve("logback.xml"),
                Postline.class.getName(), "--home", home.toString(), "run")
                .redirectErrorStream(true)
                .start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(processNode.getInputStream(),
                StandardCharsets.UTF_8));
        List<String> output = new ArrayList<>();
        String line;
        while (output.size() < 2000 && (line = lines.readLine()) != null) {
            output.add(line);
            Matcher ready = READY_SMTP.matcher(line);
            if (ready.find()) {
                Thread drain = new Thread(() -> lines.lines().forEach(ignored -> { }), "node-" + node + "-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(ready.group(1));
            }
        }
        throw new AssertionError("node " + node + " did not get ready:\n" + String.join("\n", output));
    }

    private static int smtpPort(PostlineServer server) {
        return server.listeners().get(0).address().getPort();
    }

    private static int imapPort(PostlineServer server) {
        return server.listeners().get(1).address().getPort();
    }

    private static void send(int port, String subject) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "20000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("bob@remote.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.org"));
        message.setSubject(subject);
        message.setText("body of " + subject + "\r\n");
        Transport.send(message);
    }

    /** Alice's INBOX subjects, read over IMAP once it holds at least {@code count} messages (bounded wait). */
    private static List<String> awaitSubjects(int imapPort, int count) throws Exception {
        List<String> subjects = List.of();
        for (int attempt = 0; attempt < 120 && subjects.size() < count; attempt++) {
            if (attempt > 0) {
                TimeUnit.MILLISECONDS.sleep(500);
            }
            subjects = subjects(imapPort);
        }
        return subjects;
    }

    private static List<String> subjects(int imapPort) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "20000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", imapPort, "alice@example.org", "alice-pw");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<String> subjects = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    subjects.add(message.getSubject());
                }
                return subjects;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }
}
