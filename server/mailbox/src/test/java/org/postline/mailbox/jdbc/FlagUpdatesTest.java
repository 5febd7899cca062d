package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flag changes that take the old flags from a node's metadata snapshot give what a read of the rows under the
 * mailbox lock gives (old and new flags, keywords, modseqs), whatever another node (another mapper factory on the
 * same database) wrote since the snapshot was made, and leave snapshots equal to the rows after rollbacks.
 */
class FlagUpdatesTest {

    static TestDatabase database;

    private final MessageId.Factory messageIds = new PostlineMessageId.Factory();
    private JdbcMailboxSessionMapperFactory node;
    private JdbcMailboxSessionMapperFactory other;
    private Mailbox inbox;
    private Mailbox archive;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void twoNodes() throws Exception {
        node = new JdbcMapperProvider(database, Clock.systemUTC()).factory();
        other = node();
        inbox = mailbox("INBOX");
        archive = mailbox("Archive");
        for (int i = 1; i <= 40; i++) {
            Flags flags = new Flags();
            if (i % 2 == 0) {
                flags.add(Flag.SEEN);
            }
            if (i % 5 == 0) {
                flags.add(Flag.RECENT);
            }
            if (i % 7 == 0) {
                flags.add("$label" + i % 3);
            }
            other.messageMapper().add(inbox, message(inbox, i, flags));
        }
    }

    @Test
    void storesFromTheSnapshotEqualTheRowsAfterEveryKindOfChange() throws Exception {
        JdbcMessageMapper mapper = mapper(node);
        assertSnapshotMatchesRows(mapper, inbox);
        long made = mapper.snapshotsMade();

        // Served from the held snapshot: no read of the rows, the snapshot patched.
        storeAndCheck(mapper, inbox, add(new Flags(Flag.FLAGGED)), MessageRange.all());
        storeAndCheck(mapper, inbox, new FlagsUpdateCalculator(new Flags("$label1"), FlagsUpdateMode.REMOVE),
            MessageRange.range(MessageUid.of(3), MessageUid.of(30)));
        storeAndCheck(mapper, inbox, add(flags("$Mine", Flag.ANSWERED)), MessageRange.all());
        storeAndCheck(mapper, inbox, new FlagsUpdateCalculator(new Flags(Flag.DRAFT), FlagsUpdateMode.REPLACE),
            MessageRange.range(MessageUid.of(10), MessageUid.of(12)));
        assertThat(mapper.snapshotsMade()).isEqualTo(made);
        assertSnapshotMatchesRows(mapper, inbox);
        assertThat(mapper.snapshotsMade()).isEqualTo(made);

        // Another node's writes between the snapshot and the store: each is seen, on wide and narrow stores.
        List<ThrowingRun> otherWrites = List.of(
            () -> other.messageMapper().add(inbox, message(inbox, 41, flags("$late", Flag.RECENT))),
            () -> other.messageMapper().updateFlags(inbox, add(new Flags("$theirs")), MessageRange.range(
                MessageUid.of(5), MessageUid.of(25))),
            () -> other.messageMapper().updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.FLAGGED),
                FlagsUpdateMode.REMOVE), MessageRange.one(MessageUid.of(2))),
            () -> other.messageMapper().deleteMessages(inbox, List.of(MessageUid.of(6), MessageUid.of(7))),
            () -> {
                other.messageMapper().add(archive, message(archive, 90, new Flags("$moved")));
                other.messageMapper().move(inbox, first(archive));
            },
            () -> {
                other.messageMapper().add(archive, message(archive, 91, new Flags(Flag.SEEN)));
                other.messageMapper().copy(inbox, first(archive));
            },
            () -> other.messageIdMapper().setFlags(rows(inbox).get(3).getMessageId(), List.of(inbox.getMailboxId()),
                new Flags(Flag.DELETED), FlagsUpdateMode.ADD).block());
        for (ThrowingRun write : otherWrites) {
            write.run();
            long before = mapper.snapshotsMade();
            storeAndCheck(mapper, inbox, new FlagsUpdateCalculator(new Flags(Flag.SEEN), FlagsUpdateMode.REMOVE),
                MessageRange.all());
            // The stale snapshot was remade under the store's lock, and is current after it.
            assertThat(mapper.snapshotsMade()).isEqualTo(before + 1);
            assertSnapshotMatchesRows(mapper, inbox);
            assertThat(mapper.snapshotsMade()).isEqualTo(before + 1);

            write.run();
            storeAndCheck(mapper, inbox, add(new Flags(Flag.SEEN)), MessageRange.range(MessageUid.of(4), MessageUid.of(9)));
            assertThat(mapper.snapshotsMade()).isEqualTo(before + 1);
            storeAndCheck(mapper, inbox, add(new Flags("$after")), MessageRange.all());
            assertSnapshotMatchesRows(mapper, inbox);
        }
    }

    @Test
    void aStaleSnapshotIsRemadeByAStoreOnlyWhenTheStoreSpansHalfTheMailbox() throws Exception {
        // A message saved by id with uid 1000, as James's message-id writes do: 41 messages, uids up to 1000.
        MailboxMessage saved = message(inbox, 1000, new Flags());
        saved.setUid(MessageUid.of(1000));
        saved.setModSeq(other.getModSeqProvider().nextModSeq(inbox));
        other.messageIdMapper().save(saved);
        JdbcMessageMapper mapper = mapper(node);
        assertSnapshotMatchesRows(mapper, inbox);
        long made = mapper.snapshotsMade();

        other.messageMapper().updateFlags(inbox, add(new Flags("$theirs")), MessageRange.range(MessageUid.of(1),
            MessageUid.of(1000)));
        // Wide but a third of the uids: reads its rows rather than all of them.
        storeAndCheck(mapper, inbox, add(new Flags(Flag.ANSWERED)), MessageRange.range(MessageUid.of(1), MessageUid.of(300)));
        assertThat(mapper.snapshotsMade()).isEqualTo(made);
        storeAndCheck(mapper, inbox, add(new Flags(Flag.DRAFT)), MessageRange.range(MessageUid.of(20), MessageUid.of(600)));
        assertThat(mapper.snapshotsMade()).isEqualTo(made + 1);
        assertSnapshotMatchesRows(mapper, inbox);
        assertThat(mapper.snapshotsMade()).isEqualTo(made + 1);
    }

    @Test
    void anUnchangedStoreIsRolledBackAndItsSnapshotStaysCurrent() throws Exception {
        JdbcMessageMapper mapper = mapper(node());
        ModSeq highest = mapper.getHighestModSeq(inbox);
        List<UpdatedFlags> unchanged = storeAndCheck(mapper, inbox,
            new FlagsUpdateCalculator(new Flags(Flag.DRAFT), FlagsUpdateMode.REMOVE), MessageRange.all());
        assertThat(unchanged).hasSize(40).noneMatch(UpdatedFlags::flagsChanged);
        assertThat(mapper.getHighestModSeq(inbox)).isEqualTo(highest);
        // Made under the rolled-back store's lock, at the stamp the rollback restored: current, not remade.
        assertThat(mapper.snapshotsMade()).isEqualTo(1);
        assertSnapshotMatchesRows(mapper, inbox);
        storeAndCheck(mapper, inbox, add(new Flags(Flag.DRAFT)), MessageRange.range(MessageUid.of(1), MessageUid.of(3)));
        storeAndCheck(mapper, inbox, add(new Flags(Flag.DRAFT)), MessageRange.all());
        assertSnapshotMatchesRows(mapper, inbox);
        assertThat(mapper.snapshotsMade()).isEqualTo(1);
    }

    @Test
    void aFailedStoreLeavesRowsAndSnapshotAsTheyWere() throws Exception {
        JdbcMessageMapper mapper = mapper(node);
        assertSnapshotMatchesRows(mapper, inbox);
        List<Summary> rowsBefore = rows(inbox).stream().map(Summary::of).toList();
        ModSeq highest = mapper.getHighestModSeq(inbox);

        // Longer than the keyword column: the insert fails after the system flags were written.
        Flags tooLong = flags("x".repeat(300), Flag.FLAGGED);
        assertThatThrownBy(() -> mapper.updateFlags(inbox, add(tooLong), MessageRange.all()))
            .isInstanceOf(MailboxException.class);

        assertThat(rows(inbox)).extracting(Summary::of).containsExactlyElementsOf(rowsBefore);
        assertThat(mapper.getHighestModSeq(inbox)).isEqualTo(highest);
        assertSnapshotMatchesRows(mapper, inbox);
        storeAndCheck(mapper, inbox, add(new Flags(Flag.FLAGGED)), MessageRange.all());
        assertSnapshotMatchesRows(mapper, inbox);
    }

    @Test
    void racingStoresOnTwoNodesEachSeeEveryChangeCommittedBeforeThem() throws Exception {
        JdbcMessageMapper mine = mapper(node);
        JdbcMessageMapper theirs = mapper(other);
        assertSnapshotMatchesRows(mine, inbox);
        assertSnapshotMatchesRows(theirs, inbox);
        Map<Long, Flags> initial = new HashMap<>();
        rows(inbox).forEach(message -> initial.put(message.getUid().asLong(), message.createFlags()));
        List<List<UpdatedFlags>> stores = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int seed = worker;
                JdbcMessageMapper mapper = seed % 2 == 0 ? mine : theirs;
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 12; i++) {
                        // Every store replaces the flags of some message with ones no other store sets: it changes.
                        Flags flags = flags("$w" + seed + "i" + i, i % 2 == 0 ? Flag.SEEN : Flag.FLAGGED);
                        MessageRange range = i % 3 == 0 ? MessageRange.all()
                            : MessageRange.range(MessageUid.of(1 + (seed * 11 + i * 5) % 40), MessageUid.of(40));
                        stores.add(toList(mapper.updateFlags(inbox, new FlagsUpdateCalculator(flags,
                            i % 4 == 1 ? FlagsUpdateMode.ADD : FlagsUpdateMode.REPLACE), range)));
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // The mailbox lock orders the stores by their modseq: replayed in that order, each found what the one
        // before it left, on whichever node it ran.
        stores.sort(Comparator.comparing(store -> store.stream().filter(UpdatedFlags::flagsChanged)
            .findFirst().orElseThrow().getModSeq()));
        Map<Long, Flags> state = new HashMap<>(initial);
        for (List<UpdatedFlags> store : stores) {
            for (UpdatedFlags update : store) {
                assertThat(update.getOldFlags()).isEqualTo(state.get(update.getUid().asLong()));
                state.put(update.getUid().asLong(), update.getNewFlags());
            }
        }
        Map<Long, Flags> stored = new HashMap<>();
        rows(inbox).forEach(message -> stored.put(message.getUid().asLong(), message.createFlags()));
        assertThat(stored).isEqualTo(state);
        assertSnapshotMatchesRows(mine, inbox);
        assertSnapshotMatchesRows(theirs, inbox);
    }

    /**
     * Stores through {@code mapper} and checks the result against the rows read just before: each message of the
     * range, its old flags, the new ones, and the next modseq for those that changed; then checks the rows.
     */
    private List<UpdatedFlags> storeAndCheck(JdbcMessageMapper mapper, Mailbox mailbox, FlagsUpdateCalculator calculator,
                                             MessageRange range) throws Exception {
        List<MailboxMessage> before = rows(mailbox).stream().filter(message -> range.includes(message.getUid())).toList();
        ModSeq highest = mapper.getHighestModSeq(mailbox);
        boolean changes = before.stream().anyMatch(message ->
            UpdatedFlags.flagsChanged(message.createFlags(), calculator.buildNewFlags(message.createFlags())));
        List<Summary> expected = new ArrayList<>();
        for (MailboxMessage message : before) {
            Flags newFlags = calculator.buildNewFlags(message.createFlags());
            boolean changed = UpdatedFlags.flagsChanged(message.createFlags(), newFlags);
            expected.add(new Summary(message.getUid(), Optional.of(message.getMessageId()),
                changed ? highest.next() : message.getModSeq(), message.createFlags(), newFlags));
        }

        List<UpdatedFlags> result = toList(mapper.updateFlags(mailbox, calculator, range));

        assertThat(result).extracting(Summary::of).containsExactlyElementsOf(expected);
        assertThat(mapper.getHighestModSeq(mailbox)).isEqualTo(changes ? highest.next() : highest);
        Map<MessageUid, MailboxMessage> after = new HashMap<>();
        rows(mailbox).forEach(message -> after.put(message.getUid(), message));
        for (Summary summary : expected) {
            assertThat(after.get(summary.uid()).createFlags()).isEqualTo(summary.newFlags());
            assertThat(after.get(summary.uid()).getModSeq()).isEqualTo(summary.modSeq());
        }
        return result;
    }

    private record Summary(MessageUid uid, Optional<MessageId> messageId, ModSeq modSeq, Flags oldFlags, Flags newFlags) {
        static Summary of(UpdatedFlags flags) {
            return new Summary(flags.getUid(), flags.getMessageId(), flags.getModSeq(), flags.getOldFlags(),
                flags.getNewFlags());
        }

        static Summary of(MailboxMessage message) {
            return new Summary(message.getUid(), Optional.of(message.getMessageId()), message.getModSeq(),
                message.createFlags(), message.createFlags());
        }
    }

    /** The node's metadata read of the whole mailbox (from its snapshot) equals the rows. */
    private void assertSnapshotMatchesRows(JdbcMessageMapper mapper, Mailbox mailbox) throws Exception {
        List<Summary> read = toList(mapper.findInMailbox(mailbox, MessageRange.all(), FetchType.METADATA, -1))
            .stream().map(Summary::of).toList();
        assertThat(read).containsExactlyElementsOf(rows(mailbox).stream().map(Summary::of).toList());
        assertThat(mapper.snapshotMessages()).isGreaterThanOrEqualTo(read.size());
    }

    /** The rows as a header read (never served from a snapshot) gives them. */
    private List<MailboxMessage> rows(Mailbox mailbox) throws Exception {
        return toList(node.messageMapper().findInMailbox(mailbox, MessageRange.all(), FetchType.HEADERS, -1));
    }

    private MailboxMessage first(Mailbox mailbox) throws Exception {
        return rows(mailbox).get(0);
    }

    private static FlagsUpdateCalculator add(Flags flags) {
        return new FlagsUpdateCalculator(flags, FlagsUpdateMode.ADD);
    }

    /** One keyword and one system flag. */
    private static Flags flags(String keyword, Flag flag) {
        Flags flags = new Flags(flag);
        flags.add(keyword);
        return flags;
    }

    @FunctionalInterface
    private interface ThrowingRun {
        void run() throws Exception;
    }

    private static JdbcMessageMapper mapper(JdbcMailboxSessionMapperFactory factory) {
        return (JdbcMessageMapper) factory.messageMapper();
    }

    private JdbcMailboxSessionMapperFactory node() throws Exception {
        return new JdbcMailboxSessionMapperFactory(database.dataSource(), database.blobDirectory(), database.bodies(),
            JdbcMailboxSessionMapperFactory.DEFAULT_INLINE_BODY_BYTES, messageIds, Clock.systemUTC(),
            MetadataSnapshots.DEFAULT_MAX_MESSAGES);
    }

    private Mailbox mailbox(String name) {
        return node.mailboxMapper().create(MailboxPath.forUser(Username.of("alice@example.org"), name), UidValidity.of(7))
            .block();
    }

    private SimpleMailboxMessage message(Mailbox mailbox, int number, Flags flags) {
        String header = "Subject: " + number;
        byte[] content = (header + "\r\n\r\nBody of " + number + "\r\n").getBytes(StandardCharsets.US_ASCII);
        PropertyBuilder properties = new PropertyBuilder();
        properties.setMediaType("text");
        properties.setSubType("plain");
        MessageId id = messageIds.generate();
        return new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id),
            new Date(1_700_000_000_000L + number * 1000L), content.length, header.length() + 4,
            new ByteContent(content), flags, properties.build(), mailbox.getMailboxId());
    }

    private static <T> List<T> toList(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
