package org.postline.store.queue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link MailQueuesTest} on PostgreSQL, with the mail contents in the database. */
@ExtendWith(PostgresExtension.class)
class PostgresMailQueuesTest extends MailQueuesTest {

    private final PostgresStores postgres;

    PostgresMailQueuesTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }

    @Override
    List<String> blobs(String area) {
        return PostgresStores.blobIds(store, area);
    }

    @Override
    void plantOrphan(String area, String id) {
        PostgresStores.plantOrphan(store, area, id);
    }
}
