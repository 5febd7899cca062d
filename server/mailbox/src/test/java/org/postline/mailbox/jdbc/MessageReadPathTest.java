package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.core.Username;
import org.apache.james.mailbox.FlagsBuilder;
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
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read paths that skip columns or batch writes: metadata reads load MIME properties only when asked
 * (and copies keep them), flag changes over a range are written in runs, counters come from indexes.
 */
class MessageReadPathTest {

    static TestDatabase database;

    private JdbcMapperProvider provider;
    private MessageMapper mapper;
    private Mailbox inbox;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void createInbox() throws Exception {
        provider = new JdbcMapperProvider(database, Clock.systemUTC());
        mapper = provider.createMessageMapper();
        inbox = provider.createMailboxMapper()
            .create(MailboxPath.forUser(Username.of("alice@example.org"), "INBOX"), UidValidity.of(7)).block();
    }

    @Test
    void metadataReadsLoadPropertiesWhenAskedAndCopiesKeepThem() throws Exception {
        PropertyBuilder properties = new PropertyBuilder();
        properties.setMediaType("text");
        properties.setSubType("html");
        properties.setContentTypeParameters(Map.of("charset", "utf-8"));
        properties.setTextualLineCount(3L);
        MessageUid uid = mapper.add(inbox, message("Subject: props", new Flags(), properties)).getUid();

        MailboxMessage metadata = only(mapper.findInMailbox(inbox, MessageRange.one(uid), FetchType.METADATA, -1));
        assertThat(metadata.getTextualLineCount()).isEqualTo(3L);
        assertThat(metadata.getMediaType()).isEqualTo("text");
        assertThat(metadata.getSubType()).isEqualTo("html");
        assertThat(metadata.getProperties().getContentTypeParameters()).containsEntry("charset", "utf-8");

        Mailbox archive = provider.createMailboxMapper()
            .create(MailboxPath.forUser(Username.of("alice@example.org"), "Archive"), UidValidity.of(8)).block();
        MailboxMessage original = only(mapper.findInMailbox(inbox, MessageRange.one(uid), FetchType.METADATA, -1));
        MessageUid copied = mapper.copy(archive, original).getUid();
        MailboxMessage copy = only(mapper.findInMailbox(archive, MessageRange.one(copied), FetchType.FULL, -1));
        assertThat(copy.getProperties().toProperties()).isEqualTo(properties.build().toProperties());
        assertThat(copy.getTextualLineCount()).isEqualTo(3L);
    }

    @Test
    void headerReadsCarryTheHeaderAndLoadPropertiesWhenAsked() throws Exception {
        PropertyBuilder properties = new PropertyBuilder();
        properties.setMediaType("text");
        properties.setSubType("plain");
        properties.setContentTypeParameters(Map.of("charset", "us-ascii"));
        MessageUid uid = mapper.add(inbox, message("Subject: headers only", new Flags(), properties)).getUid();

        MailboxMessage headers = only(mapper.findInMailbox(inbox, MessageRange.one(uid), FetchType.HEADERS, -1));
        assertThat(new String(headers.getHeaderContent().readAllBytes(), StandardCharsets.US_ASCII))
            .startsWith("Subject: headers only");
        assertThat(headers.getSubType()).isEqualTo("plain");
        assertThat(headers.getProperties().getContentTypeParameters()).containsEntry("charset", "us-ascii");
    }

    @Test
    void reactiveHeaderReadsGiveWhatFullReadsGive() throws Exception {
        List<MessageUid> uids = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            FlagsBuilder flags = FlagsBuilder.builder();
            if (i % 2 == 0) {
                flags.add(Flag.SEEN).add("$label" + i);
            }
            uids.add(mapper.add(inbox, message("Subject: reactive " + i, flags.build(), new PropertyBuilder())).getUid());
        }
        mapper.delete(inbox, only(mapper.findInMailbox(inbox, MessageRange.one(uids.get(4)), FetchType.METADATA, -1)));
        MessageRange range = MessageRange.range(uids.get(1), uids.get(7));

        List<MailboxMessage> headers = mapper.findInMailboxReactive(inbox, range, FetchType.HEADERS, -1)
            .collectList().block();
        List<MailboxMessage> full = toList(mapper.findInMailbox(inbox, range, FetchType.FULL, -1));

        assertThat(headers).extracting(MailboxMessage::getUid)
            .containsExactly(uids.get(1), uids.get(2), uids.get(3), uids.get(5), uids.get(6), uids.get(7));
        for (int i = 0; i < full.size(); i++) {
            assertThat(headers.get(i).getUid()).isEqualTo(full.get(i).getUid());
            assertThat(headers.get(i).createFlags()).isEqualTo(full.get(i).createFlags());
            assertThat(headers.get(i).getHeaderContent().readAllBytes())
                .isEqualTo(full.get(i).getHeaderContent().readAllBytes());
        }
        assertThat(mapper.findInMailboxReactive(inbox, range, FetchType.HEADERS, 2).collectList().block())
            .extracting(MailboxMessage::getUid).containsExactly(uids.get(1), uids.get(2));
    }

    @Test
    void aFlagChangeOverMixedMessagesWritesEachAsTheCalculatorSays() throws Exception {
        List<MessageUid> uids = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            FlagsBuilder flags = FlagsBuilder.builder();
            if (i % 3 == 0) {
                flags.add(Flag.SEEN);
            }
            if (i % 4 == 0) {
                flags.add("$old");
            }
            uids.add(mapper.add(inbox, message("Subject: " + i, flags.build(), new PropertyBuilder())).getUid());
        }
        ModSeq before = mapper.getHighestModSeq(inbox);

        // Adding \Seen and a keyword leaves the already-seen messages' system flags alone: runs break there.
        List<UpdatedFlags> updated = toList(mapper.updateFlags(inbox, new FlagsUpdateCalculator(
            FlagsBuilder.builder().add(Flag.SEEN).add("$new").build(), FlagsUpdateMode.ADD),
            MessageRange.range(uids.get(1), uids.get(10))));
        // Removing the old keyword changes only messages 4 and 8 (within the range), nothing else.
        List<UpdatedFlags> removed = toList(mapper.updateFlags(inbox, new FlagsUpdateCalculator(
            new Flags("$old"), FlagsUpdateMode.REMOVE), MessageRange.range(uids.get(0), uids.get(7))));

        assertThat(updated).hasSize(10);
        assertThat(removed.stream().filter(UpdatedFlags::flagsChanged).map(UpdatedFlags::getUid))
            .containsExactly(uids.get(3), uids.get(7));
        List<MailboxMessage> all = toList(mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1));
        for (int i = 1; i <= 12; i++) {
            MailboxMessage message = all.get(i - 1);
            boolean inFirst = i >= 2 && i <= 11;
            Flags expected = new Flags();
            if (i % 3 == 0 || inFirst) {
                expected.add(Flag.SEEN);
            }
            if (inFirst) {
                expected.add("$new");
            }
            if (i % 4 == 0 && i > 8) {
                expected.add("$old");
            }
            assertThat(message.createFlags()).as("flags of message %d", i).isEqualTo(expected);
            assertThat(message.getModSeq().asLong() > before.asLong()).as("modseq of message %d", i)
                .isEqualTo(inFirst || (i % 4 == 0 && i <= 8));
        }
        assertThat(mapper.getApplicableFlag(inbox).getUserFlags()).contains("$old", "$new");
    }

    @Test
    void flagChangesWriteOnlyWhatTheyChangeAndKeepEveryOtherStoredFlag() throws Exception {
        Flag[] system = {Flag.ANSWERED, Flag.DELETED, Flag.DRAFT, Flag.FLAGGED, Flag.RECENT, Flag.SEEN};
        List<MessageUid> uids = new ArrayList<>();
        List<Flags> expected = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Flags flags = new Flags();
            for (int c = 0; c < system.length; c++) {
                if ((i & (1 << c)) != 0) {
                    flags.add(system[c]);
                }
            }
            uids.add(mapper.add(inbox, message("Subject: " + i, flags, new PropertyBuilder())).getUid());
            expected.add(flags);
        }
        MessageRange range = MessageRange.range(uids.get(0), uids.get(63));

        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.FLAGGED), FlagsUpdateMode.ADD), range);
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.SEEN), FlagsUpdateMode.REMOVE), range);
        MessageRange last = MessageRange.range(uids.get(60), uids.get(63));
        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.ANSWERED), FlagsUpdateMode.REPLACE), last);
        for (int i = 0; i < 64; i++) {
            expected.get(i).add(Flag.FLAGGED);
            expected.get(i).remove(Flag.SEEN);
            if (i >= 60) {
                expected.set(i, new Flags(Flag.ANSWERED));
            }
        }

        // Full reads come from the rows, not from the metadata snapshot the updates patched.
        List<MailboxMessage> stored = toList(mapper.findInMailbox(inbox, range, FetchType.FULL, -1));
        for (int i = 0; i < 64; i++) {
            assertThat(stored.get(i).createFlags()).as("flags of message %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void countersFirstUnseenAndRecentFollowFlagChanges() throws Exception {
        List<MessageUid> uids = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            Flags flags = i <= 2 ? new Flags(Flag.SEEN) : new Flags(Flag.RECENT);
            uids.add(mapper.add(inbox, message("Subject: " + i, flags, new PropertyBuilder())).getUid());
        }
        assertThat(mapper.getMailboxCounters(inbox).getCount()).isEqualTo(6);
        assertThat(mapper.getMailboxCounters(inbox).getUnseen()).isEqualTo(4);
        assertThat(mapper.findFirstUnseenMessageUid(inbox)).isEqualTo(uids.get(2));
        assertThat(mapper.findRecentMessageUidsInMailbox(inbox)).containsExactlyElementsOf(uids.subList(2, 6));

        mapper.updateFlags(inbox, new FlagsUpdateCalculator(new Flags(Flag.SEEN), FlagsUpdateMode.ADD),
            MessageRange.one(uids.get(2)));
        assertThat(toList(mapper.resetRecent(inbox).iterator())).hasSize(4);

        assertThat(mapper.getMailboxCounters(inbox).getUnseen()).isEqualTo(3);
        assertThat(mapper.findFirstUnseenMessageUid(inbox)).isEqualTo(uids.get(3));
        assertThat(mapper.findRecentMessageUidsInMailbox(inbox)).isEmpty();
    }

    private SimpleMailboxMessage message(String header, Flags flags, PropertyBuilder properties) {
        byte[] content = (header + "\r\n\r\nBody of " + header + "\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageId id = provider.generateMessageId();
        return new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length,
            header.length() + 4, new ByteContent(content), flags, properties.build(), inbox.getMailboxId());
    }

    private static MailboxMessage only(Iterator<MailboxMessage> messages) {
        List<MailboxMessage> all = toList(messages);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static <T> List<T> toList(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
