package org.postline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.junit.jupiter.api.Test;
import org.postline.mailbox.jdbc.JdbcMailboxId;
import org.postline.mailbox.jdbc.PostlineMessageId;

/** The relayed events arrive as the events that were published, attributed to the relay's session. */
class MailboxEventCodecTest {

    private static final MailboxSession.SessionId ORIGINAL = MailboxSession.SessionId.of(41);
    private static final MailboxSession.SessionId RELAYED = MailboxSession.SessionId.of(42);
    private final MessageId.Factory messageIds = new PostlineMessageId.Factory();
    private final MailboxEventCodec codec = new MailboxEventCodec(new JdbcMailboxId.Factory(), messageIds);
    private final Username alice = Username.of("alice@example.org");
    private final MailboxPath inbox = MailboxPath.inbox(alice);

    @Test
    void addedAndExpungedMessagesKeepTheirMetaData() {
        Flags flags = new Flags(Flags.Flag.SEEN);
        flags.add(Flags.Flag.RECENT);
        flags.add("$Forwarded");
        MessageId id = messageIds.generate();
        MessageMetaData meta = new MessageMetaData(MessageUid.of(7), ModSeq.of(12), flags, 345,
                new Date(1_700_000_000_000L), Optional.of(new Date(1_700_000_001_000L)), id,
                ThreadId.fromBaseMessageId(id));
        TreeMap<MessageUid, MessageMetaData> added = new TreeMap<>();
        added.put(MessageUid.of(7), meta);

        MailboxEvents.Added back = (MailboxEvents.Added) roundTrip(new MailboxEvents.Added(ORIGINAL, alice, inbox,
                new JdbcMailboxId(3), added, Event.EventId.random(), true));
        assertThat(back.getSessionId()).isEqualTo(RELAYED);
        assertThat(back.getMailboxId()).isEqualTo(new JdbcMailboxId(3));
        assertThat(back.getMailboxPath()).isEqualTo(inbox);
        assertThat(back.getUsername()).isEqualTo(alice);
        assertThat(back.getAdded()).containsExactly(org.assertj.core.api.Assertions.entry(MessageUid.of(7), meta));

        MailboxEvents.Expunged gone = (MailboxEvents.Expunged) roundTrip(new MailboxEvents.Expunged(ORIGINAL, alice,
                inbox, new JdbcMailboxId(3), added, Event.EventId.random()));
        assertThat(gone.getExpunged()).containsExactly(org.assertj.core.api.Assertions.entry(MessageUid.of(7), meta));
    }

    @Test
    void flagUpdatesKeepOldAndNewFlags() {
        Flags before = new Flags(Flags.Flag.SEEN);
        Flags after = new Flags(Flags.Flag.FLAGGED);
        after.add(Flags.Flag.DELETED);
        after.add("work");
        UpdatedFlags update = UpdatedFlags.builder().uid(MessageUid.of(2)).modSeq(ModSeq.of(9))
                .messageId(messageIds.generate()).oldFlags(before).newFlags(after).build();

        MailboxEvents.FlagsUpdated back = (MailboxEvents.FlagsUpdated) roundTrip(new MailboxEvents.FlagsUpdated(
                ORIGINAL, alice, inbox, new JdbcMailboxId(3), List.of(update), Event.EventId.random()));
        assertThat(back.getUpdatedFlags()).containsExactly(update);
    }

    @Test
    void otherEventsAreNotRelayed() {
        assertThat(codec.encode(new MailboxEvents.MailboxAdded(ORIGINAL, alice, inbox, new JdbcMailboxId(3),
                Event.EventId.random()))).isEmpty();
    }

    private Event roundTrip(Event event) {
        return codec.decode(codec.encode(event).orElseThrow(), RELAYED);
    }
}
