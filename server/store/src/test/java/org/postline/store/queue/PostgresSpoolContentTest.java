package org.postline.store.queue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link SpoolContentTest} on PostgreSQL, with the mail contents in the database. */
@ExtendWith(PostgresExtension.class)
class PostgresSpoolContentTest extends SpoolContentTest {

    private final PostgresStores postgres;

    PostgresSpoolContentTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }

    @Override
    boolean bodiesInFiles() {
        return false;
    }

    @Override
    List<String> blobs() {
        return PostgresStores.blobIds(store, "spool");
    }
}
