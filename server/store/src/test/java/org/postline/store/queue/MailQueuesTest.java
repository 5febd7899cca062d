package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.MutableClock;
import org.postline.store.Store;
import org.postline.store.StoreFixture;
import org.postline.store.blob.BlobStore;

/** Named queues over the one spool table: separate, durable, with delayed writes and envelope changes. */
class MailQueuesTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin of this test overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    Store store;

    @BeforeEach
    void open() {
        store = Store.open(config(dir), "example.org", clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void restart() {
        store.close();
        store = Store.open(config(dir), "example.org", clock);
    }

    private static String put(Spool queue, String name, String... recipients) throws IOException {
        try (Spool.Writer writer = queue.begin(StoreFixture.envelope(name, recipients))) {
            writer.content().write(("content of " + name).getBytes(StandardCharsets.US_ASCII));
            return writer.commit();
        }
    }

    @Test
    void eachNameIsOneQueueAndTheSpoolIsTheIncomingQueue() {
        MailQueues queues = store.queues();
        assertThat(queues.queue(MailQueues.SPOOL)).isSameAs(store.spool());
        assertThat(queues.queue("outgoing")).isSameAs(store.queue("outgoing"));
        assertThatThrownBy(() -> queues.queue("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.queue("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queuesDoNotSeeEachOthersMailAndSurviveARestart() throws IOException {
        String incoming = put(store.spool(), "in", "a@example.org");
        String outgoing = put(store.queue("outgoing"), "out", "b@example.net");
        assertThat(store.spool().size()).isEqualTo(1);
        assertThat(store.queue("outgoing").size()).isEqualTo(1);

        restart();

        assertThat(store.queue("outgoing").size()).isEqualTo(1);
        assertThat(store.queue("outgoing").claim(10)).extracting(SpooledMail::id).containsExactly(outgoing);
        assertThat(store.spool().claim(10)).extracting(SpooledMail::id).containsExactly(incoming);
        store.spool().complete(outgoing); // the wrong queue: nothing happens
        assertThat(store.queue("outgoing").size()).isEqualTo(1);
        try (InputStream in = store.queue("outgoing").open(outgoing)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("content of out");
        }
        store.queue("outgoing").complete(outgoing);
        assertThat(store.queue("outgoing").size()).isZero();
        assertThat(store.spool().size()).isEqualTo(1);
    }

    /** The blobs of an area; the PostgreSQL twin reads the blob rows. */
    List<String> blobs(String area) throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("blobs").resolve(area))) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    void plantOrphan(String area, String id) throws IOException {
        Files.writeString(dir.resolve("blobs").resolve(area).resolve(id), "left by a crash");
    }

    @Test
    void theOrphanSweepAtStartKeepsTheContentOfEveryQueue() throws IOException {
        byte[] large = new byte[BlobStore.INLINE_LIMIT + 1];
        Arrays.fill(large, (byte) 'x');
        String outgoing;
        try (Spool.Writer writer = store.queue("outgoing").begin(StoreFixture.envelope("out", "b@example.net"))) {
            writer.content().write(large);
            outgoing = writer.commit();
        }
        plantOrphan("spool", "ORPHAN");
        restart();
        assertThat(blobs("spool")).doesNotContain("ORPHAN");
        try (InputStream in = store.queue("outgoing").open(outgoing)) {
            assertThat(in.readAllBytes()).isEqualTo(large);
        }
    }

    @Test
    void aMailWrittenForLaterWaitsWithoutAFailedAttemptEvenAcrossARestart() throws IOException {
        Spool queue = store.queue("outgoing");
        String id;
        try (Spool.Writer writer = queue.begin(StoreFixture.envelope("later", "b@example.net"),
                clock.instant().plus(Duration.ofHours(2)))) {
            writer.content().write('x');
            id = writer.commit();
        }
        assertThat(queue.claim(1)).isEmpty();
        restart();
        clock.advance(Duration.ofMinutes(119));
        assertThat(store.queue("outgoing").claim(1)).as("still due in a minute").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.queue("outgoing").claim(1)).singleElement().satisfies(mail -> {
            assertThat(mail.id()).isEqualTo(id);
            assertThat(mail.failedAttempts()).isZero();
        });
    }

    @Test
    void releaseWithAnEnvelopeKeepsTheChangedEnvelopeAndTheDelay() throws IOException {
        Spool queue = store.queue("outgoing");
        String id = put(queue, "m", "a@example.net", "b@example.net", "c@example.com");
        SpooledMail claimed = queue.claim(1).get(0);
        Envelope rest = claimed.envelope().withRecipients(List.of("c@example.com"));

        queue.release(id, rest, "451 4.7.1 try later", Duration.ofMinutes(15).toMillis());
        assertThat(queue.claim(1)).isEmpty();

        restart();
        clock.advance(Duration.ofMinutes(15));
        SpooledMail again = store.queue("outgoing").claim(1).get(0);
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.envelope()).isEqualTo(rest);
        assertThat(again.failedAttempts()).isEqualTo(1);
        assertThat(again.lastFailure()).isEqualTo("451 4.7.1 try later");
        assertThat(again.stored()).isEqualTo(claimed.stored());
    }
}
