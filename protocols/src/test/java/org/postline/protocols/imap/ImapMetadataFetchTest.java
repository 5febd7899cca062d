package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.mail.Flags;
import javax.mail.Flags.Flag;
import org.apache.james.core.Username;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * {@link MetadataFetch} answers exactly as James's FetchProcessor: two users with the same messages, flags and
 * dates, one served with it and one by James alone, get the same bytes for every FETCH, including \Recent,
 * sequence and uid ranges out of bounds, changes by another session told as unsolicited responses, messages
 * the session has not been told of, and sessions with QRESYNC enabled.
 */
class ImapMetadataFetchTest {

    private static final List<String> STEADY = List.of(
        "FETCH 1:* (UID FLAGS RFC822.SIZE)", "FETCH 1:* FLAGS", "FETCH 1:* INTERNALDATE", "FETCH 1:* FAST",
        "FETCH 2:5 (FLAGS UID)", "FETCH 3,7,9:11 RFC822.SIZE", "FETCH * FLAGS", "FETCH 5:3 UID", "FETCH 1:* UID",
        "UID FETCH 1:* FLAGS", "UID FETCH 5:* (FLAGS RFC822.SIZE INTERNALDATE)", "UID FETCH 100:* UID",
        "UID FETCH 200:300 FLAGS", "UID FETCH 3,6:8 (UID RFC822.SIZE)", "FETCH 99 FLAGS", "FETCH 0 FLAGS",
        "FETCH 1:2 (FLAGS ENVELOPE)");

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener fast;
    private ImapListener james;

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @AfterEach
    void stop() {
        for (ImapListener listener : new ImapListener[] {fast, james}) {
            if (listener != null) {
                listener.close();
            }
        }
    }

    @Test
    void servesOnlyMetadataItems() {
        assertThat(MetadataFetch.serves(FetchData.builder().fetch(Item.UID, Item.FLAGS, Item.SIZE).build())).isTrue();
        assertThat(MetadataFetch.serves(FetchData.builder().fetch(Item.INTERNAL_DATE).build())).isTrue();
        for (Item other : new Item[] {Item.ENVELOPE, Item.BODY, Item.BODY_STRUCTURE, Item.MODSEQ, Item.EMAILID,
                Item.THREADID, Item.SAVEDATE}) {
            assertThat(MetadataFetch.serves(FetchData.builder().fetch(Item.FLAGS, other).build())).as(other.name()).isFalse();
        }
        assertThat(MetadataFetch.serves(FetchData.builder().fetch(Item.FLAGS).changedSince(3).build())).isFalse();
        assertThat(MetadataFetch.serves(FetchData.builder().fetch(Item.UID).vanished(true).build())).isFalse();
    }

    @Test
    void sameRepliesAsJamesWhileNothingChanges() throws Exception {
        startBoth();
        Twins twins = twins("steady");
        try (ImapClient ours = ImapClient.connect(fast.boundAddress());
             ImapClient theirs = ImapClient.connect(james.boundAddress())) {
            ours.login(twins.ours());
            theirs.login(twins.theirs());
            sameReply(ours, theirs, "FETCH 1 FLAGS");
            // EXAMINE leaves \Recent in the store; SELECT takes it over for the session.
            for (String open : List.of("EXAMINE INBOX", "SELECT INBOX", "EXAMINE INBOX")) {
                assertThat(ours.status(open)).contains(" OK ");
                assertThat(theirs.status(open)).contains(" OK ");
                for (String command : STEADY) {
                    sameReply(ours, theirs, command);
                }
            }
            assertThat(new String(ours.rawCommand("FETCH 1:* (UID FLAGS RFC822.SIZE)"), StandardCharsets.US_ASCII))
                .contains("* 1 FETCH (FLAGS (\\Recent \\Seen) RFC822.SIZE ")
                .contains("* 6 FETCH (FLAGS (\\Recent custom) RFC822.SIZE ");
        }
    }

    @Test
    void sameRepliesAsJamesAfterAnotherSessionsChanges() throws Exception {
        startBoth();
        Twins twins = twins("changes");
        try (ImapClient ours = ImapClient.connect(fast.boundAddress());
             ImapClient theirs = ImapClient.connect(james.boundAddress())) {
            ours.login(twins.ours());
            theirs.login(twins.theirs());
            for (ImapClient client : List.of(ours, theirs)) {
                assertThat(client.status("SELECT INBOX")).contains(" OK ");
            }
            sameReply(ours, theirs, "FETCH 1:* (UID FLAGS)");
            for (String user : List.of(twins.ours().address(), twins.theirs().address())) {
                changeAsAnotherSession(user);
            }
            // The new message is not the session's yet; the expunge waits for a command by uid.
            String reply = sameReply(ours, theirs, "FETCH 1:* (UID FLAGS RFC822.SIZE)");
            assertThat(reply).contains("* 21 EXISTS").doesNotContain("EXPUNGE").contains("* 4 FETCH (FLAGS (\\Flagged \\Recent)");
            assertThat(sameReply(ours, theirs, "UID FETCH 1:* FLAGS")).contains("* 2 EXPUNGE");
            sameReply(ours, theirs, "FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)");
            assertThat(ours.command("ENABLE QRESYNC")).contains("* ENABLED QRESYNC");
            assertThat(theirs.command("ENABLE QRESYNC")).contains("* ENABLED QRESYNC");
            // James then adds UID and MODSEQ to every FETCH response; such sessions stay James's.
            assertThat(sameReply(ours, theirs, "FETCH 1:3 FLAGS")).containsPattern("\\* 1 FETCH \\(MODSEQ \\(\\d+\\) FLAGS \\(\\\\Recent \\\\Seen\\) UID 1\\)");
        }
    }

    @Test
    void metadataFetchesDoNotReachJamesProcessor() throws Exception {
        Set<String> calls = ConcurrentHashMap.newKeySet();
        fast = fixture.server().mailboxes(store -> MessageManagerCalls.recording(store, calls)).start();
        Twins twins = twins("routed");
        try (ImapClient ours = ImapClient.connect(fast.boundAddress())) {
            ours.login(twins.ours());
            assertThat(ours.status("SELECT INBOX")).contains(" OK ");
            // James asks for flags alone through listMessagesMetadata; this processor reads message results.
            assertThat(ours.status("FETCH 1:* (UID FLAGS)")).contains(" OK ");
            assertThat(calls).contains("getMessagesReactive").doesNotContain("listMessagesMetadata");
        }
    }

    private void startBoth() throws Exception {
        fast = fixture.server().start();
        james = fixture.server().jamesFetch().start();
    }

    /** The reply to {@code command} from both, which must be the same bytes; as text. */
    private static String sameReply(ImapClient ours, ImapClient theirs, String command) throws Exception {
        String expected = new String(theirs.rawCommand(command), StandardCharsets.US_ASCII);
        String actual = new String(ours.rawCommand(command), StandardCharsets.US_ASCII);
        assertThat(actual).as(command).isEqualTo(expected);
        return actual;
    }

    private record Twins(TestUsers.Account ours, TestUsers.Account theirs) {
    }

    private static final AtomicInteger TWINS = new AtomicInteger();

    /** Two users whose INBOXes hold the same 20 messages, flags and internal dates. */
    private static Twins twins(String name) throws Exception {
        int n = TWINS.incrementAndGet();
        Twins twins = new Twins(fixture.users.fresh(name + n + "-ours"), fixture.users.fresh(name + n + "-theirs"));
        for (TestUsers.Account user : List.of(twins.ours(), twins.theirs())) {
            MailboxSession session = session(user.address());
            fixture.store.mailboxManager().createMailbox(MailboxPath.inbox(session), session);
            MessageManager inbox = inbox(user.address(), session);
            for (int i = 1; i <= 20; i++) {
                byte[] message = ImapSessionTest.message("message " + i, "body " + "x".repeat(i * 37));
                inbox.appendMessage(new ByteArrayInputStream(message), new Date(1_700_000_000_000L + i * 86_400_123L),
                    session, true, new Flags());
            }
            set(inbox, session, new Flags(Flag.SEEN), 1, 5);
            set(inbox, session, new Flags(Flag.FLAGGED), 3, 3);
            set(inbox, session, new Flags(Flag.FLAGGED), 7, 7);
            set(inbox, session, new Flags(Flag.ANSWERED), 4, 4);
            set(inbox, session, new Flags(Flag.DRAFT), 9, 9);
            set(inbox, session, new Flags(Flag.DELETED), 10, 10);
            set(inbox, session, new Flags("$Forwarded"), 2, 2);
            set(inbox, session, new Flags("custom"), 6, 7);
        }
        return twins;
    }

    /** Another session of the user: flags message 4 (and unseen it), expunges message 2, adds a 21st message. */
    private static void changeAsAnotherSession(String user) throws Exception {
        MailboxSession session = session(user);
        MessageManager inbox = inbox(user, session);
        inbox.setFlags(new Flags(Flag.FLAGGED), FlagsUpdateMode.REPLACE, MessageRange.one(MessageUid.of(4)), session);
        set(inbox, session, new Flags(Flag.DELETED), 2, 2);
        inbox.expunge(MessageRange.one(MessageUid.of(2)), session);
        inbox.appendMessage(new ByteArrayInputStream(ImapSessionTest.message("late", "late body")),
            new Date(1_700_000_000_000L), session, true, new Flags());
    }

    private static void set(MessageManager inbox, MailboxSession session, Flags flags, long from, long to) throws Exception {
        inbox.setFlags(flags, FlagsUpdateMode.ADD, MessageRange.range(MessageUid.of(from), MessageUid.of(to)), session);
    }

    private static MailboxSession session(String user) {
        return fixture.store.mailboxManager().createSystemSession(Username.of(user));
    }

    private static MessageManager inbox(String user, MailboxSession session) throws Exception {
        return fixture.store.mailboxManager().getMailbox(MailboxPath.inbox(session), session);
    }

    /** Records the names of the calls made on the mailboxes the manager hands out. */
    private static final class MessageManagerCalls {
        static MailboxManager recording(MailboxManager store, Set<String> calls) {
            return (MailboxManager) Proxy.newProxyInstance(MailboxManager.class.getClassLoader(),
                new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("getMailboxReactive")) {
                        return Mono.from((Publisher<?>) result)
                            .map(mailbox -> recording((MessageManager) mailbox, calls));
                    }
                    return result;
                });
        }

        static MessageManager recording(MessageManager mailbox, Set<String> calls) {
            return (MessageManager) Proxy.newProxyInstance(MessageManager.class.getClassLoader(),
                new Class<?>[] {MessageManager.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(mailbox, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        }
    }
}
