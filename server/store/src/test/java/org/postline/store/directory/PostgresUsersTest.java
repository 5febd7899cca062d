package org.postline.store.directory;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link UsersTest} on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresUsersTest extends UsersTest {

    private final PostgresStores postgres;

    PostgresUsersTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }
}
