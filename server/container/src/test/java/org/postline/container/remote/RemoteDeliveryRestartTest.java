package org.postline.container.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.container.remote.DeliveryHarness.await;

import com.google.inject.Guice;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.DnsConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.Spool;
import org.postline.container.ContainerEnvironment;
import org.postline.container.MailetContainer;
import org.postline.container.dns.FakeDnsServer;
import org.postline.container.mail.PostlineMail;
import org.postline.container.testkit.TestEnv;
import org.postline.store.Store;
import org.postline.store.StoreModule;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;

/** The retry schedule lives in the store: a restart neither loses a deferred mail nor sends it early. */
class RemoteDeliveryRestartTest {

    @TempDir
    Path dir;
    final MovableClock clock = new MovableClock();
    FakeDnsServer dns;
    FakeSmtpServer server;
    Store store;
    MailetContainer container;

    @BeforeEach
    void setUp() throws Exception {
        dns = new FakeDnsServer(Map.of(
                DeliveryHarness.name("example.net"), List.of(new MXRecord(DeliveryHarness.name("example.net"),
                        DClass.IN, 60, 10, DeliveryHarness.name("mx.example.net"))),
                DeliveryHarness.name("mx.example.net"), List.of(new ARecord(DeliveryHarness.name("mx.example.net"),
                        DClass.IN, 60, InetAddress.getByName("127.0.0.1")))));
        server = FakeSmtpServer.onLoopback();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.close();
        }
        if (store != null) {
            store.close();
        }
        server.close();
        dns.close();
    }

    private void start() throws Exception {
        store = Store.open(new StorageConfig("jdbc:derby:" + dir.resolve("derby").toAbsolutePath() + ";create=true",
                Optional.empty(), Optional.empty(), 10, dir.resolve("blobs")), "example.org", clock);
        ContainerEnvironment env = new ContainerEnvironment("mail.example.org", "postmaster@example.org",
                store.domains(), store.users(), store.rewrites(), store.spool(), store.repositories(),
                new SpoolConfig(2, 3, Duration.ofMillis(50), 1000),
                new DnsConfig(List.of(dns.address()), Duration.ofSeconds(2)),
                Guice.createInjector(new StoreModule(store)), getClass().getClassLoader());
        String root = "<mailet match=\"SentByMailet\" class=\"ToRepository\"><repository>reports</repository></mailet>"
                + "<mailet match=\"All\" class=\"RemoteDelivery\"><smtpPort>" + server.port() + "</smtpPort>"
                + "<delayTime>1h, 2h</delayTime></mailet>";
        String bounces = "<processor state=\"bounces\"><mailet match=\"All\" class=\"DSNBounce\"/></processor>";
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(root, bounces)), env);
        container.start();
    }

    private void stop() {
        container.close();
        container = null;
        store.close();
        store = null;
    }

    private void send(String recipient) throws IOException {
        Envelope envelope = new Envelope(PostlineMail.newName(), Optional.of("carol@sender.test"), List.of(recipient),
                "root", Optional.empty(), Map.of(), SessionFacts.internal(), DsnRequest.none());
        try (Spool.Writer writer = store.spool().begin(envelope)) {
            writer.content().write(DeliveryHarness.MESSAGE.getBytes(StandardCharsets.US_ASCII));
            writer.commit();
        }
    }

    @Test
    void aMailDueInAnHourIsStillDueInAnHourAfterARestart() throws Exception {
        server.replyToData("451 4.3.0 not now");
        start();
        send("dave@example.net");
        await("the first attempt", () -> server.transactions.size() == 1);
        stop(); // waits for the running delivery, which puts the mail back for an hour

        start();
        assertThat(store.queue("outgoing").size()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(59));
        send("erin@example.net"); // wakes the delivery, which finds only the new mail due
        await("the new mail", () -> server.transactions.size() == 2);
        assertThat(server.transactions.get(1).rcptTo()).containsExactly("erin@example.net");
        await("the new mail done", () -> store.queue("outgoing").size() == 1);

        clock.advance(Duration.ofMinutes(1));
        send("frank@example.net");
        await("the deferred mail due at last", () -> server.transactions.stream()
                .anyMatch(t -> t.rcptTo().contains("dave@example.net") && t.reply().startsWith("250")));
        await("queue empty", () -> store.queue("outgoing").size() == 0);
        assertThat(server.transactions).filteredOn(t -> t.rcptTo().contains("dave@example.net")).hasSize(2);
    }

    /** A clock a test moves forward; starts at the real time. */
    static final class MovableClock extends Clock {
        private final AtomicLong offset = new AtomicLong();

        void advance(Duration duration) {
            offset.addAndGet(duration.toMillis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
