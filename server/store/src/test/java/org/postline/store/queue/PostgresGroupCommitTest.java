package org.postline.store.queue;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link GroupCommitTest} on PostgreSQL, where a failed statement aborts the whole group's transaction. */
@ExtendWith(PostgresExtension.class)
class PostgresGroupCommitTest extends GroupCommitTest {

    private final PostgresStores postgres;

    PostgresGroupCommitTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }
}
