package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import javax.mail.Address;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.admin.AdminClient;
import org.postline.app.admin.AdminRequest;
import org.postline.app.admin.AdminResponse;
import org.postline.app.config.ConfigLoader;
import org.postline.container.dns.FakeDnsServer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Two servers in one JVM, each with its own home: A (a.test) sends with the shipped pipeline's RemoteDelivery
 * to B (b.test), found through MX records of a fake DNS server. Submission with AUTH, no open relay, DSN
 * bounces for refused and non-existent recipients, and a retry once B is back up.
 */
class RemoteFlowTest {

    private static final Path SHIPPED_PIPELINE = Path.of("../../conf/mailetcontainer.xml").toAbsolutePath().normalize();
    private static final String SHIPPED_DELAYS = "<delayTime>5m, 15m, 30m, 1h, 2h, 4h</delayTime>";
    private static final int ATTEMPTS = 300; // of 100 ms: 30 s at most per wait

    @TempDir
    Path root;

    /** A's self-signed certificate, made once (keytool takes seconds) and reused as the server reuses its own. */
    @TempDir
    static Path certificates;

    private FakeDnsServer dns;
    private PostlineServer a;
    private PostlineServer b;
    private int bSmtpPort;
    private Session session;

    @BeforeEach
    void start() throws Exception {
        dns = new FakeDnsServer(Map.of(
                name("b.test"), List.of(new MXRecord(name("b.test"), DClass.IN, 60, 10, name("mx.b.test"))),
                name("mx.b.test"), List.of(new ARecord(name("mx.b.test"), DClass.IN, 60,
                        InetAddress.getByName("127.0.0.1")))));
        b = startB(0);
        bSmtpPort = listener(b, "mx");
        b.store().users().add("bob@b.test", "bob-pw".toCharArray());
        a = startA();
        a.store().users().add("alice@a.test", "alice-pw".toCharArray());

        Properties props = new Properties();
        for (String protocol : List.of("smtp", "pop3")) {
            props.put("mail." + protocol + ".connectiontimeout", "10000");
            props.put("mail." + protocol + ".timeout", "10000");
        }
        props.put("mail.smtp.auth.mechanisms", "PLAIN");
        props.put("mail.smtp.allow8bitmime", "true");
        session = Session.getInstance(props);
    }

    @AfterEach
    void stop() throws Exception {
        for (PostlineServer server : new PostlineServer[] {a, b}) {
            if (server != null) {
                server.close();
            }
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void submittedMailReachesTheRemoteInboxByteForByteWithTheSendersTraceHeader() throws Exception {
        byte[] sent = submit(message("bob@b.test", "to bob"), "bob@b.test");

        byte[] got = awaitInbox(b, "bob@b.test", "bob-pw", inbox -> !inbox.isEmpty()).get(0);
        String text = new String(got, StandardCharsets.UTF_8);
        // B's delivery headers, then B's Received (from A), then A's Received (from alice), then the message.
        assertThat(text).startsWith("Return-Path: <alice@a.test>\r\nDelivered-To: bob@b.test\r\n");
        MimeMessage parsed = parse(got);
        String[] received = parsed.getHeader("Received");
        assertThat(received).hasSize(2);
        assertThat(received[0]).startsWith("from mx.a.test ([127.0.0.1])").contains("by mx.b.test (Postline)");
        assertThat(received[1]).contains("by mx.a.test (Postline) with ESMTPA").contains("for <bob@b.test>");
        assertThat(endsWith(got, sent)).as("bob gets alice's message byte for byte:%n%s", text).isTrue();
        assertThat(body(got)).isEqualTo(body(sent));
    }

    @Test
    void anUnauthenticatedClientCannotRelayThroughTheMxListener() throws Exception {
        MimeMessage message = message("bob@b.test", "relay attempt");
        Transport transport = session.getTransport("smtp");
        transport.connect("127.0.0.1", listener(a, "mx"), null, null);
        try {
            assertThatThrownBy(() -> transport.sendMessage(message, message.getAllRecipients()))
                    .isInstanceOfSatisfying(SendFailedException.class, e -> {
                        assertThat(e.getValidSentAddresses()).isNullOrEmpty();
                        assertThat(e.getInvalidAddresses()).extracting(Address::toString).containsExactly("bob@b.test");
                        assertThat(String.valueOf(e.getNextException()))
                                .containsAnyOf("550 5.7.1", "530 5.7.0");
                    });
        } finally {
            transport.close();
        }
        assertThat(queueList("outgoing")).isEmpty();
    }

    @Test
    void aRefusedRecipientAndADomainThatDoesNotExistBounceToTheSender() throws Exception {
        submit(message("nobody@b.test", "to nowhere"), "nobody@b.test", "ghost@nowhere.test");

        List<byte[]> inbox = awaitInbox(a, "alice@a.test", "alice-pw",
                messages -> deliveryStatus(messages).contains("nobody@b.test")
                        && deliveryStatus(messages).contains("ghost@nowhere.test"));
        for (byte[] raw : inbox) {
            MimeMessage report = parse(raw);
            assertThat(report.getContentType()).startsWith("multipart/report").contains("delivery-status");
            assertThat(report.getHeader("Return-Path")).containsExactly("<>");
        }
        String status = deliveryStatus(inbox);
        assertThat(status).contains("Final-Recipient: rfc822; nobody@b.test\r\nAction: failed\r\nStatus: 5.1.1\r\n");
        assertThat(status).contains("Final-Recipient: rfc822; ghost@nowhere.test\r\nAction: failed\r\nStatus: 5.1.2\r\n");
        assertThat(status).contains("Remote-MTA: dns; mx.b.test");
        // Nothing left to retry.
        awaitQueueList("outgoing", List::isEmpty);
    }

    @Test
    void mailWaitsInTheOutgoingQueueWhileTheMxIsDownAndIsDeliveredWhenItIsBack() throws Exception {
        b.close();
        b = null;

        submit(message("bob@b.test", "while you were down"), "bob@b.test");

        // Deferred at least once (connection refused), still queued for bob.
        List<String> queued = awaitQueueList("outgoing", lines -> lines.size() == 1 && failedAttempts(lines.get(0)) > 0);
        assertThat(queued.get(0)).startsWith("outgoing ").contains("alice@a.test").contains("bob@b.test");

        b = startB(bSmtpPort);
        List<byte[]> inbox = awaitInbox(b, "bob@b.test", "bob-pw", messages -> !messages.isEmpty());
        assertThat(inbox).singleElement().satisfies(raw ->
                assertThat(parse(raw).getSubject()).isEqualTo("while you were down"));
        awaitQueueList("outgoing", List::isEmpty);
    }

    private PostlineServer startB(int smtpPort) throws Exception {
        Path home = Files.createDirectories(root.resolve("b/conf")).getParent();
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mx.b.test</hostname>
                  <domains default="b.test"><domain>b.test</domain></domains>
                  <listeners>
                    <smtp name="mx" port="%d" bind="127.0.0.1" tls="none" auth="optional"/>
                    <pop3 name="pop" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <dns timeout="2s"><resolver>127.0.0.1:%d</resolver></dns>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(smtpPort, dns.address().getPort(), SHIPPED_PIPELINE));
        return PostlineServer.start(new ConfigLoader(home, Map.of(), "mx.b.test").load(file), home);
    }

    /** A with the shipped pipeline, but RemoteDelivery on B's port and retrying every second. */
    private PostlineServer startA() throws Exception {
        Path home = Files.createDirectories(root.resolve("a/conf")).getParent();
        String shipped = Files.readString(SHIPPED_PIPELINE);
        assertThat(shipped).contains(SHIPPED_DELAYS);
        Path pipeline = Files.writeString(home.resolve("conf/mailetcontainer.xml"), shipped.replace(SHIPPED_DELAYS,
                "<delayTime>1s</delayTime>\n        <smtpPort>" + bSmtpPort + "</smtpPort>"));
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mx.a.test</hostname>
                  <domains default="a.test"><domain>a.test</domain></domains>
                  <listeners>
                    <smtp name="mx" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                    <smtp name="submission" port="0" bind="127.0.0.1" tls="starttls" auth="required"/>
                    <pop3 name="pop" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <dns timeout="2s"><resolver>127.0.0.1:%d</resolver></dns>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(dns.address().getPort(), pipeline));
        Path certificate = home.resolve("var/tls/self-signed.p12");
        Path shared = certificates.resolve("self-signed.p12");
        if (Files.exists(shared)) {
            Files.copy(shared, Files.createDirectories(certificate.getParent()).resolve(certificate.getFileName()));
        }
        PostlineServer server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mx.a.test").load(file), home);
        try {
            if (!Files.exists(shared)) {
                Files.copy(certificate, shared);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** 8-bit UTF-8 text and lines starting with a dot, so both SMTP hops must carry them unchanged. */
    private MimeMessage message(String to, String subject) throws MessagingException {
        String raw = "From: Alice <alice@a.test>\r\n"
                + "To: " + to + "\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + subject.replace(' ', '.') + "@a.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + "Grüße aus Köln — ünïcödé.\r\n"
                + ".a line starting with a dot\r\n"
                + "..two dots\r\n"
                + "last line\r\n";
        return new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends as alice over A's submission listener (AUTH PLAIN, loopback needs no TLS); returns the bytes sent. */
    private byte[] submit(MimeMessage message, String... recipients) throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        message.writeTo(sent);
        Address[] to = new Address[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            to[i] = new InternetAddress(recipients[i]);
        }
        Transport transport = session.getTransport("smtp");
        transport.connect("127.0.0.1", listener(a, "submission"), "alice@a.test", "alice-pw");
        try {
            // Not Transport.send: that would rewrite the headers before sending.
            transport.sendMessage(message, to);
        } finally {
            transport.close();
        }
        return sent.toByteArray();
    }

    /** Polls over POP3 (bounded) until the INBOX satisfies {@code until}; returns its messages as sent by the server. */
    private List<byte[]> awaitInbox(PostlineServer server, String user, String password, Predicate<List<byte[]>> until)
            throws Exception {
        List<byte[]> messages = List.of();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            javax.mail.Store pop3 = session.getStore("pop3");
            pop3.connect("127.0.0.1", listener(server, "pop"), user, password);
            try {
                Folder inbox = pop3.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                messages = new ArrayList<>();
                for (Message m : inbox.getMessages()) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    m.writeTo(raw); // unmodified POP3 messages are written as RETR gave them
                    messages.add(raw.toByteArray());
                }
                inbox.close(false);
            } finally {
                pop3.close();
            }
            if (until.test(messages)) {
                return messages;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(user + "'s INBOX never got what was expected; it holds " + messages.size()
                + " message(s):\n" + String.join("\n---\n", messages.stream()
                        .map(m -> new String(m, StandardCharsets.UTF_8)).toList()));
    }

    /** The message/delivery-status parts of all these messages, as text. */
    private String deliveryStatus(List<byte[]> messages) {
        StringBuilder out = new StringBuilder();
        try {
            for (byte[] raw : messages) {
                Object content = parse(raw).getContent();
                if (!(content instanceof Multipart multipart)) {
                    continue;
                }
                for (int i = 0; i < multipart.getCount(); i++) {
                    Part part = multipart.getBodyPart(i);
                    if (part.isMimeType("message/delivery-status")) {
                        try (InputStream in = ((MimeBodyPart) part).getRawInputStream()) {
                            out.append(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                        }
                    }
                }
            }
        } catch (Exception e) {
            throw new AssertionError("unreadable report", e);
        }
        return out.toString();
    }

    /** The lines of {@code queue list QUEUE} on A's admin channel. */
    private List<String> queueList(String queue) throws Exception {
        Optional<AdminResponse> response = new AdminClient(a.adminSocket()).send(AdminRequest.of("queue", "list", queue));
        assertThat(response).hasValueSatisfying(r -> assertThat(r.succeeded()).as("%s", r).isTrue());
        return response.orElseThrow().lines();
    }

    private List<String> awaitQueueList(String queue, Predicate<List<String>> until) throws Exception {
        List<String> lines = List.of();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            lines = queueList(queue);
            if (until.test(lines)) {
                return lines;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("queue " + queue + " never got as expected: " + lines);
    }

    /** QUEUE ID STORED FAILED-ATTEMPTS NEXT-ATTEMPT SENDER RECIPIENTS LAST-FAILURE */
    private static int failedAttempts(String line) {
        return Integer.parseInt(line.split(" ")[3]);
    }

    private static int listener(PostlineServer server, String name) {
        return server.listeners().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow()
                .address().getPort();
    }

    private MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(session, new ByteArrayInputStream(raw));
    }

    private static byte[] body(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        return text.substring(text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
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

    private static Name name(String text) throws TextParseException {
        return Name.fromString(text, Name.root);
    }
}
