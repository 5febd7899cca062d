package org.postline.store.queue;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link SpoolClaimTest} on PostgreSQL, whose readers do not wait for a deleting transaction. */
@ExtendWith(PostgresExtension.class)
class PostgresSpoolClaimTest extends SpoolClaimTest {

    private final PostgresStores postgres;

    PostgresSpoolClaimTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }
}
