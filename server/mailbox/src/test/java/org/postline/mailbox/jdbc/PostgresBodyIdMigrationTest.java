package org.postline.mailbox.jdbc;

import java.io.IOException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link BodyIdMigrationTest} on PostgreSQL, with the bodies in the database. */
@ExtendWith(PostgresExtension.class)
class PostgresBodyIdMigrationTest extends BodyIdMigrationTest {

    private static PostgresCluster cluster;

    @BeforeAll
    static void openPostgres(PostgresCluster started) {
        cluster = started;
    }

    @Override
    String versionBeforeBodyIds() {
        return "6";
    }

    @Override
    TestDatabase emptyDatabase() throws IOException {
        return TestDatabase.createEmptyPostgres(cluster);
    }
}
