package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.MailRepository;
import org.postline.app.Postline;
import org.postline.app.admin.AdminClient;
import org.postline.app.admin.AdminRequest;
import org.postline.app.admin.AdminResponse;
import org.postline.app.cli.Terminal;
import org.postline.app.config.ConfigLoader;
import org.postline.app.config.LoadedConfig;
import org.postline.api.directory.Rewrite;
import org.postline.store.Store;

/** The whole server in-process on free loopback ports, with a temporary home. */
class PostlineServerTest {

    /** The pipeline shipped at the top of the repository. */
    private static final Path SHIPPED_PIPELINE = Path.of("../../conf/mailetcontainer.xml").toAbsolutePath().normalize();

    @TempDir
    Path home;

    private PostlineServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path writeConfig(int port) throws Exception {
        return writeConfig(port, TestPipeline.write(home.resolve("conf")));
    }

    private Path writeConfig(int port, Path pipeline) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        return Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners>
                    <smtp name="in" port="%d" bind="127.0.0.1" tls="none" auth="optional"/>
                    <pop3 name="pop" port="0" bind="127.0.0.1"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(port, pipeline));
    }

    private LoadedConfig load(Path file) throws Exception {
        return new ConfigLoader(home, Map.of(), "mail.test").load(file);
    }

    @Test
    void startsAcceptsMailOverSmtpAndAnswersTheAdminChannel() throws Exception {
        server = PostlineServer.start(load(writeConfig(0)), home);

        assertThat(server.listeners()).hasSize(2);
        InetSocketAddress smtp = server.listeners().get(0).address();
        InetSocketAddress pop3 = server.listeners().get(1).address();
        assertThat(smtp.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(smtp.getPort()).isPositive();
        assertThat(server.readyLine())
                .isEqualTo("Postline ready: in 127.0.0.1:" + smtp.getPort() + ", pop 127.0.0.1:" + pop3.getPort());
        assertThat(home.resolve("var/logs")).isDirectory();
        assertThat(home.resolve("var/blobs")).isDirectory();

        AdminClient admin = new AdminClient(home.resolve("var/admin.sock"));
        assertThat(admin.send(new AdminRequest(List.of("user", "add", "alice@example.org"), Optional.of("pw".toCharArray()))))
                .contains(AdminResponse.ok(List.of("Added user alice@example.org")));

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(smtp.getPort()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("bob@remote.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.org"));
        message.setSubject("hello");
        message.setText("first message\r\n");
        Transport.send(message);

        MailRepository parked = server.store().repositories().get(TestPipeline.REPOSITORY);
        for (int i = 0; i < 200 && parked.list().isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(parked.list()).singleElement().satisfies(mail -> {
            assertThat(mail.envelope().sender()).contains("bob@remote.example");
            assertThat(mail.envelope().recipients()).containsExactly("alice@example.org");
        });

        server.close();
        server = null;
        assertThat(home.resolve("var/admin.sock")).doesNotExist();
    }

    @Test
    void portInUseFailsNamingFileAndLineAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Path file = writeConfig(taken.getLocalPort());
            LoadedConfig loaded = load(file);

            assertThatThrownBy(() -> PostlineServer.start(loaded, home))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith(file + ":5: listeners/smtp[in]: ");

            assertThat(home.resolve("var/admin.sock")).doesNotExist();
            // The store was closed: it opens again in this JVM.
            try (Store store = Store.open(loaded.config().storage(), "example.org")) {
                assertThat(store.domains().list()).containsExactly("example.org");
            }

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Terminal terminal = new Terminal(Optional.empty(), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new Postline(terminal, false).execute("--home", home.toString(), "run");
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("postline: " + file + ":5: listeners/smtp[in]: ")
                    .hasLineCount(1);
        }
    }

    @Test
    void theShippedPipelineDeliversThroughAnAliasIntoAMailboxReadOverPop3() throws Exception {
        assertThat(SHIPPED_PIPELINE).exists();
        server = PostlineServer.start(load(writeConfig(0, SHIPPED_PIPELINE)), home);
        assertThat(server.listeners()).hasSize(2);
        server.store().users().add("alice@example.org", "alice-pw".toCharArray());
        server.store().users().add("carol@example.org", "carol-pw".toCharArray());
        server.store().rewrites().add(new Rewrite(Rewrite.Kind.ADDRESS, "team@example.org", "alice@example.org"));
        server.store().rewrites().add(new Rewrite(Rewrite.Kind.ADDRESS, "team@example.org", "carol@example.org"));

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.listeners().get(0).address().getPort()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.pop3.connectiontimeout", "10000");
        props.put("mail.pop3.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("bob@remote.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("team@example.org"));
        message.setSubject("to the team");
        message.setText("hello team\r\n");
        Transport.send(message);

        int pop3Port = server.listeners().get(1).address().getPort();
        for (String user : List.of("alice@example.org", "carol@example.org")) {
            List<Message> inbox = awaitInbox(session, pop3Port, user, user.startsWith("alice") ? "alice-pw" : "carol-pw");
            assertThat(inbox).singleElement().satisfies(delivered -> {
                assertThat(delivered.getSubject()).isEqualTo("to the team");
                assertThat(delivered.getHeader("Delivered-To")).containsExactly(user);
                assertThat(delivered.getHeader("Return-Path")).containsExactly("<bob@remote.example>");
                assertThat(delivered.getHeader("Received")).isNotEmpty();
            });
        }
    }

    /** Polls over POP3 (bounded) until the INBOX is not empty; returns its messages, fully read. */
    private static List<Message> awaitInbox(Session session, int port, String user, String password) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            javax.mail.Store pop3 = session.getStore("pop3");
            pop3.connect("127.0.0.1", port, user, password);
            try {
                javax.mail.Folder inbox = pop3.getFolder("INBOX");
                inbox.open(javax.mail.Folder.READ_ONLY);
                if (inbox.getMessageCount() > 0) {
                    List<Message> copies = new java.util.ArrayList<>();
                    for (Message m : inbox.getMessages()) {
                        copies.add(new MimeMessage((MimeMessage) m));
                    }
                    inbox.close(false);
                    return copies;
                }
                inbox.close(false);
            } finally {
                pop3.close();
            }
            Thread.sleep(100);
        }
        return List.of();
    }

    @Test
    void aBrokenPipelineIsAConfigurationError() throws Exception {
        Path file = writeConfig(0);
        Path pipeline = Files.writeString(home.resolve("conf/broken.xml"), "<mailetcontainer><nonsense/></mailetcontainer>");
        Files.writeString(file, Files.readString(file).replace(home.resolve("conf/test-pipeline.xml").toString(), pipeline.toString()));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(Optional.empty(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = new Postline(terminal, false).execute("--home", home.toString(), "run");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("postline: " + pipeline).hasLineCount(1);
        assertThat(home.resolve("var/admin.sock")).doesNotExist();
    }
}
