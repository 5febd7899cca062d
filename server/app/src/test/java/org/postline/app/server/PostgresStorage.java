package org.postline.app.server;

import org.postline.testing.PostgresCluster;
import org.postline.testing.TestDatabaseUrl;

/** The {@code <storage>} element of postline.xml for a fresh database on the test PostgreSQL cluster. */
final class PostgresStorage {

    private PostgresStorage() {
    }

    /** Bodies go to the database, PostgreSQL's default. */
    static String element(PostgresCluster cluster) {
        return element(cluster.createDatabase());
    }

    static String element(TestDatabaseUrl database) {
        return "<storage><jdbc url=\"" + database.jdbcUrl() + "\" user=\"" + database.user() + "\"/></storage>";
    }
}
