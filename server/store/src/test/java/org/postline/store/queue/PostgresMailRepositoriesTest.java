package org.postline.store.queue;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link MailRepositoriesTest} on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresMailRepositoriesTest extends MailRepositoriesTest {

    private final PostgresStores postgres;

    PostgresMailRepositoriesTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }
}
