package org.postline.store.queue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link SpoolTest} on PostgreSQL, with the mail contents in the database. */
@ExtendWith(PostgresExtension.class)
class PostgresSpoolTest extends SpoolTest {

    private final PostgresStores postgres;

    PostgresSpoolTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }

    @Override
    List<String> files(String area) {
        return "tmp".equals(area) ? super.files(area) : PostgresStores.blobIds(store, area);
    }

    @Override
    void plantOrphan(String area, String id) {
        PostgresStores.plantOrphan(store, area, id);
    }
}
