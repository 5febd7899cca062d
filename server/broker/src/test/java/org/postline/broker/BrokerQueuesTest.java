package org.postline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.BodyStorage;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.container.spool.QueueConsumer;
import org.postline.container.spool.QueueWorker;
import org.postline.store.Store;

/** The queues on an embedded, persistent Artemis broker, with the contents in the database (Derby here). */
class BrokerQueuesTest {

    @TempDir
    Path dir;
    private TestBroker broker;
    private Store store;
    private BrokerQueues queues;
    private CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        store = Store.open(new StorageConfig("jdbc:derby:" + dir.resolve("derby") + ";create=true", Optional.empty(),
                Optional.empty(), 8, dir.resolve("blobs"), BodyStorage.DATABASE), "example.org");
        queues = connect();
    }

    private BrokerQueues connect() {
        return BrokerQueues.connect(broker.config(), store.dataSource(), dir.resolve("blobs"), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        queues.close();
        store.close();
        broker.close();
    }

    @Test
    void aCommittedMailIsConsumedOnceWithItsContentAndLeavesNothingBehind() throws Exception {
        Spool spool = queues.spool();
        String id = commit(spool, "m1", "hello");
        assertThat(spool.size()).isEqualTo(1);

        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        consume(spool, new RecordingWorker(spool, seen, mail -> spool.complete(mail.id())));

        assertThat(seen.poll(20, TimeUnit.SECONDS)).isEqualTo(id + " m1 hello attempts=0");
        assertThat(seen.poll(1, TimeUnit.SECONDS)).isNull();
        assertThat(awaitEmpty(spool)).isZero();
    }

    @Test
    void aReleasedMailComesBackLaterWithItsFailureCountedAndItsNewEnvelope() throws Exception {
        Spool outgoing = queues.queue("outgoing");
        String id = commit(outgoing, "m1", "retry me");
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        consume(outgoing, new RecordingWorker(outgoing, seen, mail -> {
            if (mail.failedAttempts() == 0) {
                outgoing.release(mail.id(), envelope("m1-rest", "b@example.net"), "421 try later", 300);
            } else {
                outgoing.complete(mail.id());
            }
        }));

        assertThat(seen.poll(20, TimeUnit.SECONDS)).isEqualTo(id + " m1 retry me attempts=0");
        String second = seen.poll(20, TimeUnit.SECONDS);
        assertThat(second).isEqualTo(id + " m1-rest retry me attempts=1 421 try later");
        assertThat(awaitEmpty(outgoing)).isZero();
    }

    @Test
    void aWorkerThatDecidesNothingLeavesTheMailWithTheBrokerWhichDeliversItAgain() throws Exception {
        Spool spool = queues.spool();
        String id = commit(spool, "m1", "keep me");
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        AtomicInteger deliveries = new AtomicInteger();
        consume(spool, new RecordingWorker(spool, seen, mail -> {
            if (deliveries.incrementAndGet() == 1) {
                throw new IllegalStateException("node trouble");
            }
            spool.complete(mail.id());
        }));

        assertThat(seen.poll(20, TimeUnit.SECONDS)).startsWith(id);
        assertThat(seen.poll(20, TimeUnit.SECONDS)).as("delivered again after the rollback").startsWith(id);
        assertThat(awaitEmpty(spool)).isZero();
    }

    @Test
    void mailSurvivesABrokerRestartAndAHeldBackMailWaitsItsTurn() throws Exception {
        Spool spool = queues.spool();
        String now = commit(spool, "now", "first");
        String later;
        try (Spool.Writer writer = spool.begin(envelope("later", "a@example.org"),
                Instant.now().plusMillis(1500))) {
            writer.content().write("second".getBytes(StandardCharsets.US_ASCII));
            later = writer.commit();
        }
        queues.close();
        broker.restart();
        queues = connect();
        Spool reopened = queues.spool();

        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        consume(reopened, new RecordingWorker(reopened, seen, mail -> reopened.complete(mail.id())));

        List<String> both = List.of(seen.poll(20, TimeUnit.SECONDS), seen.poll(20, TimeUnit.SECONDS));
        assertThat(both).containsExactlyInAnyOrder(now + " now first attempts=0", later + " later second attempts=0");
        assertThat(awaitEmpty(reopened)).isZero();
    }

    private void consume(Spool queue, QueueWorker worker) throws Exception {
        camel = new DefaultCamelContext();
        camel.start();
        QueueConsumer consumer = queues.consume("test", queue, worker, 2, Duration.ofSeconds(1));
        camel.addRoutes(consumer);
    }

    private long awaitEmpty(Spool queue) throws InterruptedException {
        for (int i = 0; i < 100 && queue.size() > 0; i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return queue.size();
    }

    private static String commit(Spool queue, String name, String content) throws IOException {
        try (Spool.Writer writer = queue.begin(envelope(name, "a@example.org"))) {
            writer.content().write(content.getBytes(StandardCharsets.US_ASCII));
            return writer.commit();
        }
    }

    static Envelope envelope(String name, String... recipients) {
        return new Envelope(name, Optional.of("sender@example.net"), List.of(recipients), "root", Optional.empty(),
                Map.of(), SessionFacts.internal(), DsnRequest.none());
    }

    /** Records "id name content attempts=n [last failure]" for each delivery, then decides. */
    private record RecordingWorker(Spool queue, BlockingQueue<String> seen, Decision decision) implements QueueWorker {

        @Override
        public void process(SpooledMail mail) throws Exception {
            String content;
            try (InputStream in = queue.open(mail.id())) {
                content = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            seen.add(mail.id() + " " + mail.envelope().name() + " " + content + " attempts=" + mail.failedAttempts()
                    + (mail.lastFailure().isEmpty() ? "" : " " + mail.lastFailure()));
            decision.decide(mail);
        }

        @Override
        public void failed(SpooledMail mail, Throwable cause) {
            // Decides nothing: the route must hand the mail back to the broker.
        }
    }

    @FunctionalInterface
    private interface Decision {
        void decide(SpooledMail mail) throws Exception;
    }
}
