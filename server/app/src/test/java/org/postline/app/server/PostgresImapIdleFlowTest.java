package org.postline.app.server;

import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link ImapIdleFlowTest} with the server's state, mail bodies included, in PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresImapIdleFlowTest extends ImapIdleFlowTest {

    private final PostgresCluster cluster;

    PostgresImapIdleFlowTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    String storage() {
        return PostgresStorage.element(cluster);
    }
}
