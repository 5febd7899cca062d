package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.mailbox.exception.MailboxException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A transaction that meets a deadlock or lock time-out is tried again, a bounded number of times. */
class DatabaseRetryTest {

    private static TestDatabase database;

    @BeforeAll
    static void openDatabase() throws Exception {
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @Test
    void aTransactionThatKeepsMeetingDeadlocksSucceedsOnceTheyStop() throws Exception {
        Database db = new Database(database.dataSource());
        AtomicInteger runs = new AtomicInteger();

        String result = db.inTransaction(connection -> {
            if (runs.incrementAndGet() <= 6) {
                throw new SQLException("A lock could not be obtained due to a deadlock", "40001");
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(runs).hasValue(7);
    }

    @Test
    void aTransactionThatNeverGetsThroughFailsAfterTheLastAttempt() {
        Database db = new Database(database.dataSource());
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> db.inTransaction(connection -> {
            runs.incrementAndGet();
            throw new SQLException("A lock could not be obtained within the time requested", "40XL1");
        })).isInstanceOf(MailboxException.class).hasMessageContaining("contended");
        assertThat(runs).hasValue(8);
    }

    @Test
    void anOtherFailureIsNotTriedAgain() {
        Database db = new Database(database.dataSource());
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> db.inTransaction(connection -> {
            runs.incrementAndGet();
            throw new SQLException("syntax error", "42X01");
        })).isInstanceOf(MailboxException.class);
        assertThat(runs).hasValue(1);
    }
}
