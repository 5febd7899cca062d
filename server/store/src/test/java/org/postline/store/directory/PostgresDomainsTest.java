package org.postline.store.directory;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link DomainsTest} on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresDomainsTest extends DomainsTest {

    private final PostgresStores postgres;

    PostgresDomainsTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }
}
