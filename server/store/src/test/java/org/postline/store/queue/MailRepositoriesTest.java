package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.StoreException;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SpooledMail;
import org.postline.store.MutableClock;
import org.postline.store.Store;
import org.postline.store.StoreFixture;

class MailRepositoriesTest {

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

    @Test
    void storesListsReadsAndRemovesMail() throws IOException {
        MailRepository error = store.repositories().get("error");
        assertThat(error.name()).isEqualTo("error");
        assertThat(store.repositories().names()).containsExactly("error");
        assertThat(error.list()).isEmpty();

        Envelope full = EnvelopeCodecTest.full();
        byte[] content = {'a', '\r', 'b', '\n', (byte) 0xff, 0};
        String first = error.store(full, new ByteArrayInputStream(content));
        clock.advance(Duration.ofSeconds(1));
        String second = error.store(StoreFixture.envelope("m2", "b@example.org"), new ByteArrayInputStream(new byte[0]));

        assertThat(error.list()).extracting(SpooledMail::id).containsExactly(first, second);
        SpooledMail stored = error.get(first).orElseThrow();
        assertThat(stored.envelope()).isEqualTo(full);
        assertThat(stored.size()).isEqualTo(content.length);
        assertThat(stored.stored()).isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
        try (InputStream in = error.open(first)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }

        assertThat(error.remove(first)).isTrue();
        assertThat(error.remove(first)).isFalse();
        assertThat(error.get(first)).isEmpty();
        assertThatThrownBy(() -> error.open(first)).isInstanceOf(StoreException.class);
        assertThat(error.list()).extracting(SpooledMail::id).containsExactly(second);
    }

    @Test
    void repositoriesAreSeparateAndSurviveARestart() throws IOException {
        MailRepository relayDenied = store.repositories().get("relay-denied");
        MailRepository error = store.repositories().get("error");
        String id = relayDenied.store(StoreFixture.envelope("m", "x@example.net"), new ByteArrayInputStream(new byte[] {7}));

        assertThat(error.get(id)).isEmpty();
        assertThatThrownBy(() -> error.open(id)).isInstanceOf(StoreException.class);
        assertThat(error.remove(id)).isFalse();
        assertThatThrownBy(() -> store.repositories().get(" ")).isInstanceOf(IllegalArgumentException.class);

        store.close();
        store = Store.open(config(dir), "example.org", clock);

        assertThat(store.repositories().names()).containsExactly("error", "relay-denied");
        MailRepository reopened = store.repositories().get("relay-denied");
        assertThat(reopened.list()).extracting(SpooledMail::id).containsExactly(id);
        try (InputStream in = reopened.open(id)) {
            assertThat(in.readAllBytes()).containsExactly(7);
        }
    }
}
