package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mailbox migrations share a database with other modules' tables and keep their own history. */
class MailboxSchemaTest {

    private static TestDatabase database;

    @BeforeAll
    static void openDatabase() throws Exception {
        database = TestDatabase.createEmpty();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @Test
    void migratingAgainBesideAnotherModulesTablesIsANoOp() throws Exception {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE other_module (id INT)");
            connection.commit();
        }

        MailboxSchema.migrate(database.dataSource());
        MailboxSchema.migrate(database.dataSource());

        // Version 0 is the baseline taken because the schema already held another module's table.
        assertThat(appliedVersions()).startsWith("0", "1", "2").contains("4", "5", "6").doesNotHaveDuplicates();
        database.reset();
    }

    @Test
    void derbyIsRecognisedAsTheVendor() {
        assertThat(MailboxSchema.vendor(database.dataSource())).isEqualTo("derby");
    }

    private static List<String> appliedVersions() throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT \"version\" FROM \""
                 + MailboxSchema.HISTORY_TABLE + "\" WHERE \"success\" = TRUE ORDER BY \"installed_rank\"");
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                versions.add(result.getString(1));
            }
            connection.commit();
        }
        return versions;
    }
}
