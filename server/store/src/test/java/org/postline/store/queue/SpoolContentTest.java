package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.StoreException;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.MutableClock;
import org.postline.store.Store;
import org.postline.store.StoreFixture;
import org.postline.store.blob.BlobStore;

/** Where the spool keeps content: in the row up to {@link BlobStore#INLINE_LIMIT}, beyond it as a blob. */
class SpoolContentTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    Store store;
    Spool spool;

    /** Derby with bodies in files here; the PostgreSQL twin keeps bodies in the database. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    boolean bodiesInFiles() {
        return true;
    }

    /** Published blobs of the spool area; the twin lists the blob rows. */
    List<String> blobs() {
        try (Stream<Path> list = Files.list(dir.resolve("blobs/spool"))) {
            return list.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void open() {
        store = Store.open(config(dir), "example.org", clock);
        spool = store.spool();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void contentUpToTheLimitLivesInTheRowAndSurvivesARestart() throws IOException {
        byte[] atLimit = random(BlobStore.INLINE_LIMIT, 1);
        byte[] empty = new byte[0];
        String full = commit(atLimit);
        String none = commit(empty);

        assertThat(blobs()).isEmpty();
        assertThat(temporaryFiles()).isEmpty();
        restart();
        assertThat(read(full)).isEqualTo(atLimit);
        assertThat(read(none)).isEmpty();
        assertThat(spool.claim(10)).extracting(SpooledMail::size).containsExactly((long) atLimit.length, 0L);
        spool.complete(full);
        assertThatThrownBy(() -> spool.open(full)).isInstanceOf(StoreException.class);
        assertThat(read(none)).isEmpty();
    }

    @Test
    void largerContentSpillsToATemporaryFileAndIsStoredWhole() throws IOException {
        byte[] large = random(BlobStore.INLINE_LIMIT + 1, 2);
        Spool.Writer writer = spool.begin(StoreFixture.envelope("big", "a@example.org"));
        writer.content().write(large, 0, 1000);
        assertThat(temporaryFiles()).as("still in memory").isEmpty();
        writer.content().write(large, 1000, large.length - 1000);
        assertThat(temporaryFiles()).as("spilled").hasSize(1);
        String id = writer.commit();
        writer.close();

        assertThat(temporaryFiles()).isEmpty();
        if (bodiesInFiles()) {
            assertThat(blobs()).containsExactly(id);
            assertThat(Files.getPosixFilePermissions(dir.resolve("blobs/spool").resolve(id)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        } else {
            assertThat(blobs()).as("database bodies go into the row, whatever their size").isEmpty();
        }
        restart();
        assertThat(read(id)).isEqualTo(large);
        assertThat(spool.claim(1)).singleElement().extracting(SpooledMail::size).isEqualTo((long) large.length);
        spool.complete(id);
        assertThat(blobs()).isEmpty();
        assertThat(spool.size()).isZero();
    }

    @Test
    void aClaimedMailOpensAsOftenAsAskedUntilItsLeaseEnds() throws IOException {
        byte[] small = random(5000, 4);
        String id = commit(small);
        assertThat(spool.claim(1)).extracting(SpooledMail::id).containsExactly(id);
        assertThat(read(id)).isEqualTo(small);
        assertThat(read(id)).as("the content the claim read serves every open").isEqualTo(small);
        spool.release(id, "try later", 0);
        assertThat(spool.claim(1)).extracting(SpooledMail::id).containsExactly(id);
        assertThat(read(id)).isEqualTo(small);
        spool.complete(id);
        assertThatThrownBy(() -> spool.open(id)).as("nothing of it is kept once it is gone").isInstanceOf(StoreException.class);
        assertThat(spool.size()).isZero();
        assertThat(spool.claim(1)).isEmpty();
    }

    @Test
    void aCommitTheDatabaseRefusesLeavesNothingVisible() throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE spool ADD CONSTRAINT refuse_large CHECK (size_bytes < 10)");
            c.commit();
        }
        for (int size : new int[] {100, BlobStore.INLINE_LIMIT + 100}) {
            Spool.Writer writer = spool.begin(StoreFixture.envelope("refused", "a@example.org"));
            writer.content().write(random(size, size));
            assertThatThrownBy(writer::commit).isInstanceOf(StoreException.class);
            writer.close();
        }
        assertThat(spool.size()).isZero();
        assertThat(spool.claim(10)).isEmpty();
        assertThat(blobs()).as("a published file goes when its row fails").isEmpty();
        assertThat(temporaryFiles()).isEmpty();
        assertThat(read(commit(new byte[] {7}))).containsExactly(7);
    }

    @Test
    void aCrashWhileWritingLeavesOnlyATemporaryFileThatTheNextStartRemoves() throws IOException {
        Spool.Writer writer = spool.begin(StoreFixture.envelope("cut", "a@example.org"));
        writer.content().write(random(BlobStore.INLINE_LIMIT * 2, 3));
        // the process dies here: no commit, no abort
        store.close();
        assertThat(temporaryFiles()).hasSize(1);
        store = Store.open(config(dir), "example.org", clock);
        spool = store.spool();
        assertThat(temporaryFiles()).isEmpty();
        assertThat(spool.size()).isZero();
        assertThat(spool.claim(10)).isEmpty();
        writer.abort();
    }

    private void restart() {
        store.close();
        store = Store.open(config(dir), "example.org", clock);
        spool = store.spool();
    }

    private String commit(byte[] content) throws IOException {
        try (Spool.Writer writer = spool.begin(StoreFixture.envelope("m", "a@example.org"))) {
            writer.content().write(content);
            return writer.commit();
        }
    }

    private byte[] read(String id) throws IOException {
        try (InputStream in = spool.open(id)) {
            return in.readAllBytes();
        }
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("blobs/tmp"))) {
            return list.toList();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
