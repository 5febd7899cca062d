package org.postline.store;

import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.postline.api.StoreException;

/**
 * The schema, by Flyway. Each database has its own migration folder ({@code db/migration/derby},
 * {@code db/migration/postgresql}) so dialect-specific types stay out of shared SQL.
 */
final class Migrations {

    private Migrations() {
    }

    /** The migration folder for a JDBC URL. */
    static String vendor(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:derby:")) {
            return "derby";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "postgresql";
        }
        throw new StoreException("unsupported database URL " + jdbcUrl + ": Postline runs on Derby (jdbc:derby:...)"
                + " or PostgreSQL (jdbc:postgresql:...)", null);
    }

    /** Migrates to the newest version. */
    static MigrateResult migrate(DataSource dataSource, String vendor) {
        return migrate(dataSource, vendor, "latest");
    }

    /** @param target a version ("1") or "latest"; an older target exists for upgrade tests */
    static MigrateResult migrate(DataSource dataSource, String vendor, String target) {
        try {
            return Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/" + vendor)
                    .failOnMissingLocations(true)
                    .target(target)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("could not bring the database schema up to date: " + e.getMessage(), e);
        }
    }
}
