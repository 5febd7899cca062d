package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
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
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
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
 * Metadata reads served from a node's snapshot equal reads of the rows, whatever another node (another mapper
 * factory on the same database, with snapshots of its own) changed since the snapshot was made.
 */
class MetadataSnapshotTest {

    static TestDatabase database;

    private final MessageId.Factory messageIds = new PostlineMessageId.Factory();
    private JdbcMailboxSessionMapperFactory reader;
    private JdbcMailboxSessionMapperFactory writer;
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
        reader = new JdbcMapperProvider(database, Clock.systemUTC()).factory();
        writer = node(MetadataSnapshots.DEFAULT_MAX_MESSAGES);
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
            writer.messageMapper().add(inbox, message(inbox, i, flags));
        }
    }

    @Test
    void aSnapshotIsHeldAndReadsLikeTheRows() throws Exception {
        assertMatchesRows(inbox);
        assertThat(readerMapper().snapshotMessages()).isEqualTo(40);
        assertMatchesRows(inbox);

        MailboxMessage read = first(inbox);
        assertThat(new String(read.getHeaderContent().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("Subject: 1\r\n");
        assertThat(new String(read.getFullContent().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("Body of 1\r\n");
        assertThat(read.getTextualLineCount()).isEqualTo(1L);
        assertThat(read.getMediaType()).isEqualTo("text");
    }

    @Test
    void appendsFlagChangesAndExpungesByAnotherNodeAreSeen() throws Exception {
        assertMatchesRows(inbox);
        writer.messageMapper().add(inbox, message(inbox, 41, new Flags(Flag.RECENT)));
        assertMatchesRows(inbox);

        writer.messageMapper().updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.FLAGGED), FlagsUpdateMode.ADD),
            MessageRange.range(MessageUid.of(3), MessageUid.of(5)));
        assertMatchesRows(inbox);

        writer.messageMapper().updateFlags(inbox, new FlagsUpdateCalculator(new Flags("$new"), FlagsUpdateMode.ADD),
            MessageRange.one(MessageUid.of(9)));
        assertMatchesRows(inbox);

        writer.messageMapper().updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.DELETED), FlagsUpdateMode.ADD),
            MessageRange.range(MessageUid.of(10), MessageUid.of(12)));
        assertMatchesRows(inbox);

        writer.messageMapper().deleteMessages(inbox, List.of(MessageUid.of(10), MessageUid.of(11)));
        assertMatchesRows(inbox);

        writer.messageMapper().resetRecent(inbox);
        assertMatchesRows(inbox);
        assertThat(readerMapper().snapshotMessages()).isEqualTo(39);
    }

    @Test
    void thisNodesOwnWritesUpdateItsSnapshotWithoutReadingTheRowsAgain() throws Exception {
        JdbcMessageMapper mapper = readerMapper();
        assertMatchesRows(inbox);
        long made = mapper.snapshotsMade();

        mapper.add(inbox, message(inbox, 41, new Flags(Flag.RECENT)));
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags("$mine"), FlagsUpdateMode.ADD),
            MessageRange.range(MessageUid.of(2), MessageUid.of(4)));
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.DELETED), FlagsUpdateMode.REPLACE),
            MessageRange.one(MessageUid.of(6)));
        mapper.deleteMessages(inbox, List.of(MessageUid.of(6), MessageUid.of(7)));
        mapper.resetRecent(inbox);
        assertMatchesRows(inbox);
        assertThat(mapper.snapshotsMade()).isEqualTo(made);

        // After another node's write, this node's next write finds its snapshot stale and leaves it to be remade.
        writer.messageMapper().updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.FLAGGED), FlagsUpdateMode.ADD),
            MessageRange.one(MessageUid.of(8)));
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.ANSWERED), FlagsUpdateMode.ADD),
            MessageRange.one(MessageUid.of(9)));
        mapper.add(inbox, message(inbox, 42, new Flags()));
        assertMatchesRows(inbox);
        assertThat(mapper.snapshotsMade()).isEqualTo(made + 1);
        assertThat(rows(inbox).stream().filter(message -> message.getUid().asLong() == 8).findFirst().orElseThrow()
            .isFlagged()).isTrue();
    }

    @Test
    void aReadInProgressGivesTheMessagesAsTheyWereWhenItStarted() throws Exception {
        JdbcMessageMapper mapper = readerMapper();
        assertMatchesRows(inbox);
        List<Summary> before = rows(inbox).stream().map(Summary::of).toList();
        Iterator<MailboxMessage> reading = mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1);
        List<Summary> read = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            read.add(Summary.of(reading.next()));
        }
        // Messages are made as the read goes on; writes of this node meanwhile replace the snapshot, not change it.
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.FLAGGED), FlagsUpdateMode.ADD), MessageRange.all());
        mapper.deleteMessages(inbox, List.of(MessageUid.of(20), MessageUid.of(30)));
        mapper.add(inbox, message(inbox, 41, new Flags()));
        reading.forEachRemaining(message -> read.add(Summary.of(message)));
        assertThat(read).containsExactlyElementsOf(before);
        assertThatThrownBy(reading::next).isInstanceOf(NoSuchElementException.class);
        assertMatchesRows(inbox);
        assertThat(rows(inbox)).hasSize(39).filteredOn(message -> message.getUid().asLong() <= 40)
            .hasSize(38).allMatch(MailboxMessage::isFlagged);
    }

    @Test
    void patchesMayMeetTheirOwnWriteAlreadyInTheSnapshot() throws Exception {
        List<StoredMessage> rows = rows(inbox).stream().map(StoredMessage.class::cast).toList();
        long id = JdbcMailboxId.of(inbox.getMailboxId()).value();
        MailboxSequences.Stamp stamp = new MailboxSequences.Stamp(40, 40, 40);
        MailboxSequences.Stamp after = new MailboxSequences.Stamp(41, 41, 41);
        MetadataSnapshot withoutFifth = new MetadataSnapshot(stamp, id, rows).without(after, Set.of(MessageUid.of(5)));

        assertThat(withoutFifth.with(after, rows.get(4)).uids()).containsExactlyElementsOf(
            rows.stream().map(MailboxMessage::getUid).toList());
        assertThat(withoutFifth.with(after, rows.get(4)).with(after, rows.get(4)).uids()).hasSize(40);
        assertThat(withoutFifth.with(after, rows.get(39)).uids()).hasSize(39);
    }

    @Test
    void writesRacingReadsOnThisNodeLeaveTheSnapshotEqualToTheRows() throws Exception {
        JdbcMessageMapper mapper = readerMapper();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int worker = 0; worker < 3; worker++) {
                int seed = worker;
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        long uid = 1 + (seed * 13 + i * 7) % 40;
                        switch ((seed + i) % 3) {
                            case 0 -> mapper.add(inbox, message(inbox, 100 + seed * 100 + i, new Flags(Flag.RECENT)));
                            case 1 -> mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags("$w" + seed),
                                FlagsUpdateMode.ADD), MessageRange.range(MessageUid.of(uid), MessageUid.of(uid + 3)));
                            default -> mapper.deleteMessages(inbox, List.of(MessageUid.of(uid)));
                        }
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                for (int i = 0; i < 30; i++) {
                    List<Long> uids = toList(mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1))
                        .stream().map(message -> message.getUid().asLong()).toList();
                    assertThat(uids).isSorted().doesNotHaveDuplicates();
                }
                return null;
            }));
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertMatchesRows(inbox);
    }

    @Test
    void copiesAndMovesByAnotherNodeAreSeenInBothMailboxes() throws Exception {
        writer.messageMapper().add(archive, message(archive, 100, new Flags()));
        assertMatchesRows(inbox);
        assertMatchesRows(archive);

        writer.messageMapper().copy(archive, first(inbox));
        assertMatchesRows(inbox);
        assertMatchesRows(archive);

        writer.messageMapper().move(archive, rows(inbox).get(5));
        assertMatchesRows(inbox);
        assertMatchesRows(archive);
    }

    @Test
    void messageIdWritesByAnotherNodeAreSeenEvenWhenTheyLeaveUidAndModSeqAsTheyWere() throws Exception {
        // As James saves by message id: uid and modseq are taken first, the row written afterwards.
        MailboxMessage saved = message(inbox, 50, new Flags());
        saved.setUid(writer.getUidProvider().nextUid(inbox));
        saved.setModSeq(writer.getModSeqProvider().nextModSeq(inbox));
        assertMatchesRows(inbox);
        writer.messageIdMapper().save(saved);
        assertMatchesRows(inbox);

        MailboxMessage copied = rows(inbox).get(2);
        copied.setUid(writer.getUidProvider().nextUid(archive));
        copied.setModSeq(writer.getModSeqProvider().nextModSeq(archive));
        assertMatchesRows(archive);
        writer.messageIdMapper().copyInMailbox(copied, archive);
        assertMatchesRows(archive);

        writer.messageIdMapper().setFlags(saved.getMessageId(), List.of(inbox.getMailboxId()), new Flags(Flag.ANSWERED),
            FlagsUpdateMode.ADD).block();
        assertMatchesRows(inbox);

        writer.messageIdMapper().delete(saved.getMessageId());
        assertMatchesRows(inbox);
        assertThat(rows(inbox)).extracting(MailboxMessage::getMessageId).doesNotContain(saved.getMessageId());
    }

    @Test
    void aDeletedMailboxIsForgotten() throws Exception {
        assertMatchesRows(archive);
        writer.messageMapper().add(archive, message(archive, 1, new Flags()));
        assertMatchesRows(archive);
        writer.mailboxMapper().delete(archive).block();

        assertThat(readerMapper().findInMailbox(archive, MessageRange.all(), FetchType.METADATA, -1)).isExhausted();
        assertThat(readerMapper().snapshotMessages()).isEqualTo(0);
    }

    @Test
    void snapshotsHoldAtMostTheirBoundAndLargerMailboxesAreReadFromTheRows() throws Exception {
        JdbcMailboxSessionMapperFactory small = node(50);
        JdbcMessageMapper mapper = (JdbcMessageMapper) small.messageMapper();
        for (int i = 1; i <= 30; i++) {
            writer.messageMapper().add(archive, message(archive, i, new Flags()));
        }
        assertThat(toList(mapper.findInMailbox(archive, MessageRange.all(), FetchType.METADATA, -1))).hasSize(30);
        assertThat(mapper.snapshotMessages()).isEqualTo(30);

        assertThat(toList(mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1))).hasSize(40);
        assertThat(mapper.snapshotMessages()).isEqualTo(40);

        for (int i = 41; i <= 60; i++) {
            writer.messageMapper().add(inbox, message(inbox, i, new Flags()));
        }
        assertThat(toList(mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1))).hasSize(60);
        assertThat(mapper.snapshotMessages()).isZero();
        assertThat(toList(mapper.findInMailbox(inbox, MessageRange.from(MessageUid.of(51)), FetchType.METADATA, -1)))
            .extracting(message -> message.getUid().asLong()).containsExactly(51L, 52L, 53L, 54L, 55L, 56L, 57L, 58L, 59L, 60L);
    }

    /** Every metadata read of the reader equals what its rows say, and it is served from a current snapshot. */
    private void assertMatchesRows(Mailbox mailbox) throws Exception {
        List<MailboxMessage> rows = rows(mailbox);
        JdbcMessageMapper mapper = readerMapper();
        List<MailboxMessage> read = toList(mapper.findInMailbox(mailbox, MessageRange.all(), FetchType.METADATA, -1));
        assertThat(read).extracting(Summary::of).containsExactlyElementsOf(rows.stream().map(Summary::of).toList());
        assertThat(mapper.snapshotMessages()).isGreaterThanOrEqualTo(rows.size());
        // Header reads take the metadata from the snapshot and only uids and headers from the rows.
        List<MailboxMessage> headers = mapper.findInMailboxReactive(mailbox, MessageRange.all(), FetchType.HEADERS, -1)
            .collectList().block();
        assertThat(headers).extracting(Summary::of).containsExactlyElementsOf(rows.stream().map(Summary::of).toList());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(headers.get(i).getHeaderContent().readAllBytes())
                .isEqualTo(rows.get(i).getHeaderContent().readAllBytes());
        }

        if (rows.size() > 2) {
            MessageUid second = rows.get(1).getUid();
            assertThat(toList(mapper.findInMailbox(mailbox, MessageRange.from(second), FetchType.METADATA, 2)))
                .extracting(Summary::of).containsExactlyElementsOf(rows.subList(1, 3).stream().map(Summary::of).toList());
            assertThat(mapper.findInMailboxReactive(mailbox, MessageRange.from(second), FetchType.HEADERS, 2)
                .collectList().block())
                .extracting(Summary::of).containsExactlyElementsOf(rows.subList(1, 3).stream().map(Summary::of).toList());
        }
        assertThat(mapper.countMessagesInMailbox(mailbox)).isEqualTo(rows.size());
        assertThat(mapper.getMailboxCounters(mailbox).getUnseen())
            .isEqualTo(rows.stream().filter(message -> !message.isSeen()).count());
        Optional<MessageUid> firstUnseen = rows.stream().filter(message -> !message.isSeen())
            .map(MailboxMessage::getUid).findFirst();
        assertThat(Optional.ofNullable(mapper.findFirstUnseenMessageUid(mailbox))).isEqualTo(firstUnseen);
        assertThat(mapper.findRecentMessageUidsInMailbox(mailbox))
            .containsExactlyElementsOf(rows.stream().filter(MailboxMessage::isRecent).map(MailboxMessage::getUid).toList());
        assertThat(mapper.retrieveMessagesMarkedForDeletion(mailbox, MessageRange.all()))
            .containsExactlyElementsOf(rows.stream().filter(MailboxMessage::isDeleted).map(MailboxMessage::getUid).toList());
        assertThat(mapper.listAllMessageUids(mailbox).collectList().block())
            .containsExactlyElementsOf(rows.stream().map(MailboxMessage::getUid).toList());
    }

    /** The rows as a header read (never served from a snapshot) gives them. */
    private List<MailboxMessage> rows(Mailbox mailbox) throws Exception {
        return toList(readerMapper().findInMailbox(mailbox, MessageRange.all(), FetchType.HEADERS, -1));
    }

    private MailboxMessage first(Mailbox mailbox) throws Exception {
        return readerMapper().findInMailbox(mailbox, MessageRange.all(), FetchType.METADATA, 1).next();
    }

    private record Summary(long uid, ModSeq modSeq, Flags flags, long size, long bodyOctets, Date internalDate,
                           Optional<Date> saveDate, MessageId messageId, ThreadId threadId, Long textLines) {
        static Summary of(MailboxMessage message) {
            return new Summary(message.getUid().asLong(), message.getModSeq(), message.createFlags(),
                message.getFullContentOctets(), message.getBodyOctets(), message.getInternalDate(), message.getSaveDate(),
                message.getMessageId(), message.getThreadId(), message.getTextualLineCount());
        }
    }

    private JdbcMessageMapper readerMapper() {
        return (JdbcMessageMapper) reader.messageMapper();
    }

    private JdbcMailboxSessionMapperFactory node(int snapshotMessages) throws Exception {
        return new JdbcMailboxSessionMapperFactory(database.dataSource(), database.blobDirectory(), database.bodies(),
            JdbcMailboxSessionMapperFactory.DEFAULT_INLINE_BODY_BYTES, messageIds, Clock.systemUTC(), snapshotMessages);
    }

    private Mailbox mailbox(String name) {
        return reader.mailboxMapper().create(MailboxPath.forUser(Username.of("alice@example.org"), name), UidValidity.of(7))
            .block();
    }

    private SimpleMailboxMessage message(Mailbox mailbox, int number, Flags flags) {
        String header = "Subject: " + number;
        byte[] content = (header + "\r\n\r\nBody of " + number + "\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageId id = messageIds.generate();
        // Every third message belongs to another's thread.
        ThreadId thread = ThreadId.fromBaseMessageId(number % 3 == 0 ? messageIds.generate() : id);
        PropertyBuilder properties = new PropertyBuilder();
        properties.setMediaType("text");
        properties.setSubType("plain");
        properties.setTextualLineCount(1L);
        return new SimpleMailboxMessage(id, thread, new Date(1_700_000_000_000L + number * 1000L), content.length,
            header.length() + 4, new ByteContent(content), flags, properties.build(), mailbox.getMailboxId());
    }

    private static <T> List<T> toList(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
