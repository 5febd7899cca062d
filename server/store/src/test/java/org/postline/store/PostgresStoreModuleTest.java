package org.postline.store;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link StoreModuleTest} on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresStoreModuleTest extends StoreModuleTest {

    private final PostgresStores postgres;

    PostgresStoreModuleTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }
}
