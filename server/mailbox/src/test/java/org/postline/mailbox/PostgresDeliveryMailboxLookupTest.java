package org.postline.mailbox;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.mailbox.jdbc.TestDatabase;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link DeliveryMailboxLookupTest} on PostgreSQL, with the bodies in the database. */
@ExtendWith(PostgresExtension.class)
class PostgresDeliveryMailboxLookupTest extends DeliveryMailboxLookupTest {

    /** Runs after the Derby test's {@code @BeforeAll}, whose database it replaces. */
    @BeforeAll
    static void openPostgres(PostgresCluster cluster) throws Exception {
        database.close();
        database = TestDatabase.createPostgres(cluster);
    }
}
