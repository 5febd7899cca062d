package org.postline.container.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import javax.mail.BodyPart;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.postline.api.config.DnsConfig;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.SpooledMail;
import org.postline.container.MailetContainer;
import org.postline.container.dns.FakeDnsServer;
import org.postline.container.mail.PostlineMail;
import org.postline.container.testkit.FakeSpool;
import org.postline.container.testkit.TestEnv;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * A mailet container with RemoteDelivery in root and DSNBounce in bounces, a fake DNS server and fake SMTP
 * servers on loopback. Reports (mail the server sends itself) are caught in the "reports" repository unless
 * the test lets them go out.
 */
final class DeliveryHarness implements AutoCloseable {

    static final String MESSAGE = "From: Carol <carol@sender.test>\r\n"
            + "To: dave@example.net\r\n"
            + "Subject: Hello\r\n"
            + "Message-ID: <original@sender.test>\r\n"
            + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
            + "\r\n"
            + "Hello Dave,\r\n"
            + ".a line starting with a dot\r\n"
            + "bye\r\n";

    final TestEnv env = new TestEnv();
    final FakeDnsServer dns;
    final List<FakeSmtpServer> servers = new ArrayList<>();
    private final Path dir;
    MailetContainer container;

    DeliveryHarness(Path dir) throws Exception {
        this.dir = dir;
        this.dns = new FakeDnsServer(Map.of());
        servers.add(FakeSmtpServer.onLoopback());
        env.dns = new DnsConfig(List.of(dns.address()), Duration.ofSeconds(2));
    }

    /** The main receiving server on 127.0.0.1. */
    FakeSmtpServer server() {
        return servers.get(0);
    }

    /**
     * A second server on ::1 with the same port as {@link #server()} (MX hosts share one port); call it before
     * setting the main server up, which it may replace to find a port free on both addresses.
     */
    FakeSmtpServer ipv6Twin() throws IOException {
        for (int tries = 0; tries < 20; tries++) {
            try {
                FakeSmtpServer twin = new FakeSmtpServer(InetAddress.getByName("::1"), server().port());
                servers.add(twin);
                return twin;
            } catch (java.net.BindException e) {
                servers.remove(0).closeQuietly();
                servers.add(0, FakeSmtpServer.onLoopback());
            }
        }
        throw new IOException("no port free on both 127.0.0.1 and ::1");
    }

    static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The domain's MX records: preference, host, preference, host, ... */
    DeliveryHarness mx(String domain, Object... preferenceAndHost) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < preferenceAndHost.length; i += 2) {
            records.add(new MXRecord(name(domain), DClass.IN, 60, (Integer) preferenceAndHost[i],
                    name((String) preferenceAndHost[i + 1])));
        }
        dns.put(name(domain), records);
        return this;
    }

    DeliveryHarness host(String host, String... addresses) throws IOException {
        List<Record> records = new ArrayList<>();
        for (String address : addresses) {
            InetAddress ip = InetAddress.getByName(address);
            records.add(ip.getAddress().length == 4 ? new ARecord(name(host), DClass.IN, 60, ip)
                    : new AAAARecord(name(host), DClass.IN, 60, ip));
        }
        dns.put(name(host), records);
        return this;
    }

    /** Starts the container; {@code params} are RemoteDelivery's (smtpPort is added). */
    void start(String params, boolean catchReports) throws Exception {
        String root = (catchReports ? "<mailet match=\"SentByMailet\" class=\"ToRepository\"><repository>reports"
                + "</repository></mailet>\n" : "")
                + "<mailet match=\"All\" class=\"RemoteDelivery\"><smtpPort>" + server().port() + "</smtpPort>"
                + "<heloName>relay.postline.test</heloName>" + params + "</mailet>";
        String bounces = "<processor state=\"bounces\"><mailet match=\"All\" class=\"DSNBounce\">"
                + "<passThrough>false</passThrough></mailet></processor>";
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(root, bounces)), env.environment());
        container.start();
    }

    void start(String params) throws Exception {
        start(params, true);
    }

    void send(String sender, String... recipients) {
        send(sender, DsnRequest.none(), MESSAGE, recipients);
    }

    void send(String sender, DsnRequest dsn, String message, String... recipients) {
        env.spool.put(new Envelope(PostlineMail.newName(), Optional.ofNullable(sender), List.of(recipients), "root",
                Optional.empty(), Map.of(), new SessionFacts("192.0.2.10", "client.sender.test", "client.sender.test",
                        Optional.of("carol@sender.test"), false, "smtp"), dsn),
                message.getBytes(StandardCharsets.ISO_8859_1));
    }

    FakeSpool outgoing() {
        return env.queues.fake("outgoing");
    }

    List<SpooledMail> reports() {
        return env.repositories.repo("reports").list();
    }

    MimeMessage report(int index) throws Exception {
        SpooledMail mail = reports().get(index);
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(env.repositories.repo("reports").bytes(mail.id())));
    }

    /** The message/delivery-status part of a report, as text. */
    static String deliveryStatus(MimeMessage report) throws Exception {
        MimeMultipart parts = (MimeMultipart) report.getContent();
        BodyPart status = parts.getBodyPart(1);
        return new String(status.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    InetSocketAddress dnsAddress() {
        return dns.address();
    }

    @Override
    public void close() throws Exception {
        if (container != null) {
            container.close();
        }
        for (FakeSmtpServer server : servers) {
            server.close();
        }
        dns.close();
    }
}
