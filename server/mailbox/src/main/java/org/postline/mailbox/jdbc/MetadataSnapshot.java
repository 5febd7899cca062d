package org.postline.mailbox.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/**
 * The metadata of every message of one mailbox as of one {@link MailboxSequences.Stamp}, in parallel arrays
 * sorted by uid (a 10,000-message mailbox takes about 2 MB). Immutable: a change to the mailbox makes a new one.
 */
final class MetadataSnapshot {

    private static final long NONE = Long.MIN_VALUE;
    private static final Flag[] SYSTEM_FLAGS = {Flag.ANSWERED, Flag.DELETED, Flag.DRAFT, Flag.FLAGGED, Flag.RECENT, Flag.SEEN};
    private static final int DELETED = 1 << 1;
    private static final int RECENT = 1 << 4;
    private static final int SEEN = 1 << 5;

    private final MailboxSequences.Stamp stamp;
    private final long mailboxId;
    private final long[] uids;
    private final long[] modSeqs;
    private final long[] internalDates;
    private final long[] saveDates;
    private final long[] fullSizes;
    private final int[] bodyStarts;
    private final long[] textLines;
    private final byte[] systemFlags;
    /** Null where a message has no keyword (most). */
    private final String[][] keywords;
    private final MessageId[] messageIds;
    /** Null where the thread id is the message's own id (most). */
    private final MessageId[] threadIds;
    private final String[] bodyHashes;

    /** From the messages read (in uid order, metadata only) after the stamp was read. */
    MetadataSnapshot(MailboxSequences.Stamp stamp, long mailboxId, List<StoredMessage> messages) {
        this(stamp, mailboxId, messages.size());
        for (int i = 0; i < messages.size(); i++) {
            set(i, messages.get(i));
        }
    }

    private MetadataSnapshot(MailboxSequences.Stamp stamp, long mailboxId, int size) {
        this(stamp, mailboxId, new long[size], new long[size], new long[size], new long[size], new long[size],
            new int[size], new long[size], new byte[size], new String[size][], new MessageId[size], new MessageId[size],
            new String[size]);
    }

    private MetadataSnapshot(MailboxSequences.Stamp stamp, long mailboxId, long[] uids, long[] modSeqs,
                             long[] internalDates, long[] saveDates, long[] fullSizes, int[] bodyStarts,
                             long[] textLines, byte[] systemFlags, String[][] keywords, MessageId[] messageIds,
                             MessageId[] threadIds, String[] bodyHashes) {
        this.stamp = stamp;
        this.mailboxId = mailboxId;
        this.uids = uids;
        this.modSeqs = modSeqs;
        this.internalDates = internalDates;
        this.saveDates = saveDates;
        this.fullSizes = fullSizes;
        this.bodyStarts = bodyStarts;
        this.textLines = textLines;
        this.systemFlags = systemFlags;
        this.keywords = keywords;
        this.messageIds = messageIds;
        this.threadIds = threadIds;
        this.bodyHashes = bodyHashes;
    }

    private void set(int i, StoredMessage message) {
        uids[i] = message.getUid().asLong();
        modSeqs[i] = message.getModSeq().asLong();
        internalDates[i] = message.getInternalDate().getTime();
        saveDates[i] = message.getSaveDate().map(Date::getTime).orElse(NONE);
        fullSizes[i] = message.getFullContentOctets();
        bodyStarts[i] = Math.toIntExact(message.getHeaderOctets());
        Long lines = message.textLines();
        textLines[i] = lines == null ? NONE : lines;
        setFlags(i, message.createFlags());
        messageIds[i] = message.getMessageId();
        MessageId thread = message.getThreadId().getBaseMessageId();
        threadIds[i] = thread.equals(messageIds[i]) ? null : thread;
        bodyHashes[i] = message.bodyHash();
    }

    private void setFlags(int i, Flags flags) {
        int bits = 0;
        for (int f = 0; f < SYSTEM_FLAGS.length; f++) {
            bits |= flags.contains(SYSTEM_FLAGS[f]) ? 1 << f : 0;
        }
        systemFlags[i] = (byte) bits;
        String[] userFlags = flags.getUserFlags();
        keywords[i] = userFlags.length == 0 ? null : userFlags;
    }

    /** Message {@code from} of this snapshot as message {@code to} of {@code copy}. */
    private void copyTo(MetadataSnapshot copy, int from, int to) {
        copy.uids[to] = uids[from];
        copy.modSeqs[to] = modSeqs[from];
        copy.internalDates[to] = internalDates[from];
        copy.saveDates[to] = saveDates[from];
        copy.fullSizes[to] = fullSizes[from];
        copy.bodyStarts[to] = bodyStarts[from];
        copy.textLines[to] = textLines[from];
        copy.systemFlags[to] = systemFlags[from];
        copy.keywords[to] = keywords[from];
        copy.messageIds[to] = messageIds[from];
        copy.threadIds[to] = threadIds[from];
        copy.bodyHashes[to] = bodyHashes[from];
    }

    /** This snapshot after a write that took the mailbox to {@code after}: flags and modseqs changed as given. */
    MetadataSnapshot withFlags(MailboxSequences.Stamp after, List<UpdatedFlags> updates) {
        // Snapshots never change their arrays once made, so the copy shares all but those a flag change writes.
        MetadataSnapshot copy = new MetadataSnapshot(after, mailboxId, uids, modSeqs.clone(), internalDates, saveDates,
            fullSizes, bodyStarts, textLines, systemFlags.clone(), keywords.clone(), messageIds, threadIds, bodyHashes);
        for (UpdatedFlags update : updates) {
            int i = Arrays.binarySearch(uids, update.getUid().asLong());
            if (i >= 0) {
                copy.setFlags(i, update.getNewFlags());
                copy.modSeqs[i] = update.getModSeq().asLong();
            }
        }
        return copy;
    }

    /** This snapshot after a write that took the mailbox to {@code after}: these messages removed. */
    MetadataSnapshot without(MailboxSequences.Stamp after, Set<MessageUid> removed) {
        int kept = 0;
        for (long uid : uids) {
            kept += removed.contains(MessageUid.of(uid)) ? 0 : 1;
        }
        MetadataSnapshot copy = new MetadataSnapshot(after, mailboxId, kept);
        int to = 0;
        for (int i = 0; i < uids.length; i++) {
            if (!removed.contains(MessageUid.of(uids[i]))) {
                copyTo(copy, i, to++);
            }
        }
        return copy;
    }

    /**
     * This snapshot after a write that took the mailbox to {@code after}: a message added. Patches are idempotent:
     * the rows of a snapshot may already hold writes committed after its stamp was read.
     */
    MetadataSnapshot with(MailboxSequences.Stamp after, StoredMessage added) {
        int at = firstAtOrAbove(added.getUid().asLong());
        boolean present = at < uids.length && uids[at] == added.getUid().asLong();
        MetadataSnapshot copy = new MetadataSnapshot(after, mailboxId, uids.length + (present ? 0 : 1));
        for (int i = 0, to = 0; i < uids.length; i++, to++) {
            to += !present && i == at ? 1 : 0;
            copyTo(copy, i, to);
        }
        copy.set(at, added);
        return copy;
    }

    MailboxSequences.Stamp stamp() {
        return stamp;
    }

    int size() {
        return uids.length;
    }

    int unseen() {
        int unseen = 0;
        for (byte flags : systemFlags) {
            unseen += (flags & SEEN) == 0 ? 1 : 0;
        }
        return unseen;
    }

    /**
     * Fresh message objects (callers may change them) for uids {@code from..to}, at most {@code limit} if positive,
     * each made when the iteration reaches it: a read of a whole mailbox keeps a few alive at a time rather than
     * all (which every young collection during the read would copy). This snapshot never changes, so the
     * iteration gives the messages as of its stamp however long it takes.
     */
    Iterator<MailboxMessage> messages(MessageTable table, long from, long to, int limit) {
        int first = firstAtOrAbove(from);
        int last = firstAtOrAbove(to == Long.MAX_VALUE ? to : to + 1);
        int end = limit > 0 ? Math.min(last, first + limit) : last;
        return new Iterator<>() {
            private int next = first;

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public MailboxMessage next() {
                if (next >= end) {
                    throw new NoSuchElementException();
                }
                return message(table, next++);
            }
        };
    }

    /**
     * Fresh message objects for the rows read, with their header: the rows this snapshot does not hold (added
     * after it was made) make none, nor do the messages whose row is gone (expunged since).
     */
    List<MailboxMessage> messages(MessageTable table, MessageTable.HeaderRows rows) {
        List<MailboxMessage> messages = new ArrayList<>(rows.count());
        for (int row = 0, i = 0; row < rows.count(); row++) {
            i = firstAtOrAbove(rows.uids()[row], i);
            if (i < uids.length && uids[i] == rows.uids()[row]) {
                messages.add(message(table, i, Optional.of(rows.headers()[row])));
            }
        }
        return messages;
    }

    private MailboxMessage message(MessageTable table, int i) {
        return message(table, i, Optional.empty());
    }

    private MailboxMessage message(MessageTable table, int i, Optional<byte[]> header) {
        MessageId thread = threadIds[i] == null ? messageIds[i] : threadIds[i];
        return table.metadataMessage(mailboxId, uids[i], messageIds[i], ThreadId.fromBaseMessageId(thread), modSeqs[i],
            internalDates[i], saveDates[i] == NONE ? Optional.empty() : Optional.of(new Date(saveDates[i])),
            fullSizes[i], bodyStarts[i], textLines[i] == NONE ? null : textLines[i], flagsAt(i), bodyHashes[i], header);
    }

    /** What a flag change of uids {@code from..to} needs of each message, in uid order. */
    List<FlagUpdates.FlagState> flagStates(long from, long to) {
        int end = firstAtOrAbove(to == Long.MAX_VALUE ? to : to + 1);
        List<FlagUpdates.FlagState> states = new ArrayList<>();
        for (int i = firstAtOrAbove(from); i < end; i++) {
            states.add(new FlagUpdates.FlagState(MessageUid.of(uids[i]), messageIds[i], ModSeq.of(modSeqs[i]), flagsAt(i)));
        }
        return states;
    }

    /** A fresh copy of the flags of message {@code i}. */
    private Flags flagsAt(int i) {
        Flags flags = new Flags();
        for (int f = 0; f < SYSTEM_FLAGS.length; f++) {
            if ((systemFlags[i] & (1 << f)) != 0) {
                flags.add(SYSTEM_FLAGS[f]);
            }
        }
        if (keywords[i] != null) {
            for (String keyword : keywords[i]) {
                flags.add(keyword);
            }
        }
        return flags;
    }

    List<MessageUid> uids() {
        return uidsWith(0, 0, 1, Long.MAX_VALUE);
    }

    List<MessageUid> recentUids() {
        return uidsWith(RECENT, RECENT, 1, Long.MAX_VALUE);
    }

    List<MessageUid> deletedUids(long from, long to) {
        return uidsWith(DELETED, DELETED, from, to);
    }

    Optional<MessageUid> firstUnseen() {
        List<MessageUid> found = uidsWith(SEEN, 0, 1, Long.MAX_VALUE, 1);
        return found.stream().findFirst();
    }

    private List<MessageUid> uidsWith(int mask, int value, long from, long to) {
        return uidsWith(mask, value, from, to, Integer.MAX_VALUE);
    }

    private List<MessageUid> uidsWith(int mask, int value, long from, long to, int limit) {
        int end = firstAtOrAbove(to == Long.MAX_VALUE ? to : to + 1);
        List<MessageUid> found = new ArrayList<>();
        for (int i = firstAtOrAbove(from); i < end && found.size() < limit; i++) {
            if ((systemFlags[i] & mask) == value) {
                found.add(MessageUid.of(uids[i]));
            }
        }
        return found;
    }

    /** The index of the first uid at or above {@code uid}. */
    private int firstAtOrAbove(long uid) {
        return firstAtOrAbove(uid, 0);
    }

    /** Like {@link #firstAtOrAbove(long)}, knowing it is not below {@code from}. */
    private int firstAtOrAbove(long uid, int from) {
        int found = Arrays.binarySearch(uids, from, uids.length, uid);
        return found >= 0 ? found : -found - 1;
    }
}
