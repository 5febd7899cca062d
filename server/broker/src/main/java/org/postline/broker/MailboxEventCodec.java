package org.postline.broker;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;

/**
 * The mailbox events another node's IMAP sessions need (new, expunged and re-flagged messages), as text: a
 * header line, then one line per message, fields separated by tabs. Other events are not relayed.
 */
final class MailboxEventCodec {

    private static final String TAB = "\t";
    private static final String NONE = "-";
    private static final Flags.Flag[] SYSTEM = {Flags.Flag.ANSWERED, Flags.Flag.DELETED, Flags.Flag.DRAFT,
        Flags.Flag.FLAGGED, Flags.Flag.RECENT, Flags.Flag.SEEN};
    private static final String LETTERS = "ADTFRS";

    private final MailboxId.Factory mailboxIds;
    private final MessageId.Factory messageIds;

    MailboxEventCodec(MailboxId.Factory mailboxIds, MessageId.Factory messageIds) {
        this.mailboxIds = mailboxIds;
        this.messageIds = messageIds;
    }

    /** Empty for an event that is not relayed. */
    Optional<String> encode(Event event) {
        StringBuilder out = new StringBuilder();
        if (event instanceof MailboxEvents.Added added) {
            header(out, "added", added);
            added.getAdded().values().forEach(meta -> metaData(out, meta));
        } else if (event instanceof MailboxEvents.Expunged expunged) {
            header(out, "expunged", expunged);
            expunged.getExpunged().values().forEach(meta -> metaData(out, meta));
        } else if (event instanceof MailboxEvents.FlagsUpdated updated) {
            header(out, "flags", updated);
            for (UpdatedFlags flags : updated.getUpdatedFlags()) {
                out.append(String.join(TAB, Long.toString(flags.getUid().asLong()),
                        Long.toString(flags.getModSeq().asLong()),
                        flags.getMessageId().map(MessageId::serialize).orElse(NONE),
                        flags(flags.getOldFlags()), flags(flags.getNewFlags()))).append('\n');
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(out.toString());
    }

    /**
     * The event, attributed to {@code session} (so that no local IMAP session takes it for its own change).
     *
     * @throws IllegalArgumentException if the text is not an encoded event
     */
    Event decode(String text, MailboxSession.SessionId session) {
        String[] lines = text.split("\n");
        String[] head = lines[0].split(TAB, -1);
        if (head.length != 6) {
            throw new IllegalArgumentException("not a relayed mailbox event");
        }
        Username user = Username.of(head[1]);
        MailboxPath path = new MailboxPath(head[2], NONE.equals(head[3]) ? null : Username.of(head[3]), head[4]);
        MailboxId mailbox = mailboxIds.fromString(head[5]);
        Event.EventId id = Event.EventId.random();
        switch (head[0]) {
            case "added" -> {
                return new MailboxEvents.Added(session, user, path, mailbox, metaData(lines), id, false);
            }
            case "expunged" -> {
                return new MailboxEvents.Expunged(session, user, path, mailbox, metaData(lines), id);
            }
            case "flags" -> {
                List<UpdatedFlags> updated = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    String[] f = lines[i].split(TAB, -1);
                    updated.add(UpdatedFlags.builder().uid(MessageUid.of(Long.parseLong(f[0])))
                            .modSeq(ModSeq.of(Long.parseLong(f[1])))
                            .messageId(NONE.equals(f[2]) ? Optional.empty() : Optional.of(messageIds.fromString(f[2])))
                            .oldFlags(flags(f[3])).newFlags(flags(f[4])).build());
                }
                return new MailboxEvents.FlagsUpdated(session, user, path, mailbox, updated, id);
            }
            default -> throw new IllegalArgumentException("not a relayed mailbox event: " + head[0]);
        }
    }

    private static void header(StringBuilder out, String kind, MailboxEvents.MailboxEvent event) {
        MailboxPath path = event.getMailboxPath();
        out.append(String.join(TAB, kind, event.getUsername().asString(), path.getNamespace(),
                path.getUser() == null ? NONE : path.getUser().asString(), path.getName(),
                event.getMailboxId().serialize())).append('\n');
    }

    private static void metaData(StringBuilder out, MessageMetaData meta) {
        out.append(String.join(TAB, Long.toString(meta.getUid().asLong()), Long.toString(meta.getModSeq().asLong()),
                Long.toString(meta.getSize()), Long.toString(meta.getInternalDate().getTime()),
                meta.getSaveDate().map(d -> Long.toString(d.getTime())).orElse(NONE),
                meta.getMessageId().serialize(), meta.getThreadId().getBaseMessageId().serialize(),
                flags(meta.getFlags()))).append('\n');
    }

    private SortedMap<MessageUid, MessageMetaData> metaData(String[] lines) {
        SortedMap<MessageUid, MessageMetaData> byUid = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(TAB, -1);
            MessageUid uid = MessageUid.of(Long.parseLong(f[0]));
            byUid.put(uid, new MessageMetaData(uid, ModSeq.of(Long.parseLong(f[1])), flags(f[7]), Long.parseLong(f[2]),
                    new Date(Long.parseLong(f[3])),
                    NONE.equals(f[4]) ? Optional.empty() : Optional.of(new Date(Long.parseLong(f[4]))),
                    messageIds.fromString(f[5]), ThreadId.fromBaseMessageId(messageIds.fromString(f[6]))));
        }
        return byUid;
    }

    /** System flags as letters, then ':' and the user flags separated by spaces (keywords have none). */
    static String flags(Flags flags) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < SYSTEM.length; i++) {
            if (flags.contains(SYSTEM[i])) {
                out.append(LETTERS.charAt(i));
            }
        }
        return out.append(':').append(String.join(" ", flags.getUserFlags())).toString();
    }

    static Flags flags(String text) {
        Flags flags = new Flags();
        int colon = text.indexOf(':');
        for (int i = 0; i < colon; i++) {
            flags.add(SYSTEM[LETTERS.indexOf(text.charAt(i))]);
        }
        for (String user : text.substring(colon + 1).split(" ")) {
            if (!user.isEmpty()) {
                flags.add(user);
            }
        }
        return flags;
    }
}
