package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Appends racing on one mailbox (no JVM lock in front of the mapper, as with several processes on one
 * database) get distinct consecutive uids, and racing first references to one body store it once.
 */
class ConcurrentAppendTest {

    private static final int THREADS = 4;
    private static final int APPENDS_PER_THREAD = 25;

    static TestDatabase database;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @Test
    void racingAppendsGetDistinctConsecutiveUidsAndShareOneBody() throws Exception {
        JdbcMapperProvider provider = new JdbcMapperProvider(database, Clock.systemUTC());
        Mailbox inbox = provider.createMailboxMapper()
            .create(MailboxPath.forUser(Username.of("alice@example.org"), "INBOX"), UidValidity.of(7)).block();
        MessageMapper mapper = provider.createMessageMapper();

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<List<MessageUid>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<MessageUid> uids = new ArrayList<>();
                    for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                        uids.add(mapper.add(inbox, message(provider, inbox, "Subject: " + thread + "/" + i)).getUid());
                    }
                    return uids;
                }));
            }
            List<MessageUid> all = new ArrayList<>();
            for (Future<List<MessageUid>> result : results) {
                all.addAll(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).doesNotHaveDuplicates().hasSize(THREADS * APPENDS_PER_THREAD);
            assertThat(all.stream().mapToLong(MessageUid::asLong).max().getAsLong()).isEqualTo(THREADS * APPENDS_PER_THREAD);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(mapper.countMessagesInMailbox(inbox)).isEqualTo(THREADS * APPENDS_PER_THREAD);
        assertThat(mapper.getLastUid(inbox)).contains(MessageUid.of(THREADS * APPENDS_PER_THREAD));
        assertThat(blobReferences()).containsExactly((long) THREADS * APPENDS_PER_THREAD);
    }

    /** The reference count of every stored body. */
    private static List<Long> blobReferences() throws Exception {
        List<Long> counts = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT refcount FROM mbx_blob");
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                counts.add(result.getLong(1));
            }
            connection.commit();
        }
        return counts;
    }

    private static SimpleMailboxMessage message(JdbcMapperProvider provider, Mailbox mailbox, String header) {
        byte[] content = (header + "\r\n\r\nThe one shared body.\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageId id = provider.generateMessageId();
        return new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length,
            header.length() + 4, new ByteContent(content), new Flags(), new PropertyBuilder().build(),
            mailbox.getMailboxId());
    }
}
