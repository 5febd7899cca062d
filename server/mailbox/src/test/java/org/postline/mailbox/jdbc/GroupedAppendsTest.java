package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Appends queued behind a committing one are committed in one transaction; a failing one fails alone. */
class GroupedAppendsTest {

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
    void appendsWaitingBehindACommitShareOneTransactionAndAFailureStaysWithItsAppend() throws Exception {
        long mailboxId = inboxOf("alice@example.org");
        Database db = new Database(database.dataSource());
        GroupedAppends appends = new GroupedAppends(db);
        CountDownLatch release = new CountDownLatch(1);
        List<Connection> followerConnections = java.util.Collections.synchronizedList(new ArrayList<>());

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<MailboxSequences.Allocation> first = appendHeldOpen(pool, appends, mailboxId, release);
            List<Future<MailboxSequences.Allocation>> followers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                boolean fails = i == 1;
                followers.add(pool.submit(() -> appends.append(mailboxId, (connection, a) -> {
                    followerConnections.add(connection);
                    if (fails) {
                        throw new MailboxException("this message cannot be stored");
                    }
                })));
                // One at a time, so the group's order is known.
                for (int wait = 0; wait < 3000 && appends.waiting(mailboxId) < i + 1; wait++) {
                    Thread.sleep(10);
                }
                assertThat(appends.waiting(mailboxId)).isEqualTo(i + 1);
            }
            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS).uid().asLong()).isEqualTo(1);
            assertThat(followers.get(0).get(30, TimeUnit.SECONDS).uid().asLong()).isEqualTo(2);
            assertThatThrownBy(() -> followers.get(1).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(MailboxException.class).hasMessageContaining("cannot be stored");
            assertThat(followers.get(2).get(30, TimeUnit.SECONDS).uid().asLong()).isEqualTo(3);
        } finally {
            release.countDown();
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        // The group ran in one transaction (one connection) until the second failed; then each ran alone.
        assertThat(followerConnections).hasSize(5);
        assertThat(followerConnections.get(1)).isSameAs(followerConnections.get(0));
        assertThat(followerConnections.subList(2, 5)).doesNotHaveDuplicates().doesNotContain(followerConnections.get(0));
        long lastUid = db.inTransaction(connection -> {
            try (var query = connection.prepareStatement("SELECT last_uid FROM mbx_mailbox WHERE id = ?")) {
                query.setLong(1, mailboxId);
                try (var result = query.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        });
        assertThat(lastUid).isEqualTo(3);
    }

    @Test
    void aGroupsStampsAreThoseOfAppendsCommittedOneByOne() throws Exception {
        long mailboxId = inboxOf("bob@example.org");
        Database db = new Database(database.dataSource());
        GroupedAppends appends = new GroupedAppends(db);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<MailboxSequences.Allocation>> all = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            all.add(appendHeldOpen(pool, appends, mailboxId, release));
            for (int i = 0; i < 3; i++) {
                all.add(pool.submit(() -> appends.append(mailboxId, (connection, a) -> { })));
                for (int wait = 0; wait < 3000 && appends.waiting(mailboxId) < i + 1; wait++) {
                    Thread.sleep(10);
                }
            }
            assertThat(appends.waiting(mailboxId)).isEqualTo(3);
            release.countDown();
            List<MailboxSequences.Allocation> allocations = new ArrayList<>();
            for (Future<MailboxSequences.Allocation> append : all) {
                allocations.add(append.get(30, TimeUnit.SECONDS));
            }
            // A node's metadata snapshot is patched with each append's (before, after) in turn: they must chain,
            // and end at the mailbox row's stamp, or a snapshot could match a later stamp with other content.
            for (int i = 1; i < allocations.size(); i++) {
                assertThat(allocations.get(i).before()).isEqualTo(allocations.get(i - 1).after());
            }
            java.util.Optional<MailboxSequences.Stamp> row = db.inTransaction(connection ->
                MailboxSequences.stamp(connection, mailboxId));
            assertThat(row).contains(allocations.get(allocations.size() - 1).after());
        } finally {
            release.countDown();
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static long inboxOf(String user) {
        return JdbcMailboxId.of(new JdbcMapperProvider(database, Clock.systemUTC()).createMailboxMapper()
            .create(MailboxPath.forUser(Username.of(user), "INBOX"), UidValidity.of(7)).block()
            .getMailboxId()).value();
    }

    /** Starts an append that stays inside its transaction until {@code release}; returns once it is inside. */
    private static Future<MailboxSequences.Allocation> appendHeldOpen(ExecutorService pool, GroupedAppends appends,
                                                                      long mailboxId, CountDownLatch release) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        Future<MailboxSequences.Allocation> held = pool.submit(() -> appends.append(mailboxId, (connection, a) -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        return held;
    }
}
