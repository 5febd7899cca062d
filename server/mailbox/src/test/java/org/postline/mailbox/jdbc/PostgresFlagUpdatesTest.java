package org.postline.mailbox.jdbc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link FlagUpdatesTest} on PostgreSQL: two nodes sharing one database. */
@ExtendWith(PostgresExtension.class)
class PostgresFlagUpdatesTest extends FlagUpdatesTest {

    /** Runs after the Derby test's {@code @BeforeAll}, whose database it replaces. */
    @BeforeAll
    static void openPostgres(PostgresCluster cluster) throws Exception {
        database.close();
        database = TestDatabase.createPostgres(cluster);
    }
}
