package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postline.api.StoreException;

/**
 * The mailbox tables, migrated by Flyway from {@code db/mailbox/<vendor>} (derby, postgresql) with a
 * history table of their own, so they can share a database with other modules' migrations.
 */
public final class MailboxSchema {

    public static final String HISTORY_TABLE = "flyway_mailbox_history";

    private MailboxSchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure(MailboxSchema.class.getClassLoader())
            .dataSource(dataSource)
            .locations("classpath:db/mailbox/" + vendor(dataSource))
            .failOnMissingLocations(true)
            .table(HISTORY_TABLE)
            // The schema may already hold other modules' tables: start our own history at version 0.
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate();
    }

    static String vendor(DataSource dataSource) {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new StoreException("Cannot reach the mailbox database", e);
        }
        if (product.contains("derby")) {
            return "derby";
        }
        if (product.contains("postgres")) {
            return "postgresql";
        }
        throw new StoreException("Unsupported database for mailboxes: " + product, null);
    }
}
