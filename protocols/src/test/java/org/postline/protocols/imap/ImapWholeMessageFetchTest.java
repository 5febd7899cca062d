package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.mail.Flags;
import javax.mail.Flags.Flag;
import org.apache.james.core.Username;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.FetchData.Item;
import org.apache.james.imap.api.message.SectionType;
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
 * {@link WholeMessageFetch} answers exactly as James's FetchProcessor: two users with the same messages (8-bit
 * and multipart among them), flags and dates, one served with it and one by James alone, get the same bytes
 * for every FETCH of whole messages, peeked or not, by sequence and uid sets, after another session's expunge,
 * in EXAMINE and SELECT; the \Seen flags they set, read afterwards, and what another session is told of them
 * are the same too. In a mailbox opened with EXAMINE ({@link ReadOnlySelection}) no FETCH sets \Seen.
 */
class ImapWholeMessageFetchTest {

    private static final int MESSAGES = 14;

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
    void servesOnlyWholeMessages() {
        BodyFetchElement whole = new BodyFetchElement("BODY[]", SectionType.CONTENT, null, null, null, null);
        assertThat(WholeMessageFetch.serves(FetchData.builder().add(whole, false).build())).isTrue();
        assertThat(WholeMessageFetch.serves(FetchData.builder().add(whole, true).fetch(Item.UID, Item.FLAGS,
            Item.SIZE, Item.INTERNAL_DATE).build())).isTrue();
        assertThat(WholeMessageFetch.serves(FetchData.builder().add(BodyFetchElement.createRFC822(), false).build()))
            .isTrue();
        assertThat(WholeMessageFetch.serves(FetchData.builder().fetch(Item.FLAGS).build())).isFalse();
        List<BodyFetchElement> others = List.of(
            new BodyFetchElement("BODY[]<0>", SectionType.CONTENT, null, null, 0L, 100L),
            new BodyFetchElement("BODY[1]", SectionType.CONTENT, new int[] {1}, null, null, null),
            new BodyFetchElement("BODY[TEXT]", SectionType.TEXT, null, null, null, null),
            BodyFetchElement.createRFC822Header());
        for (BodyFetchElement other : others) {
            assertThat(WholeMessageFetch.serves(FetchData.builder().add(other, true).build()))
                .as(other.getResponseName()).isFalse();
            assertThat(WholeMessageFetch.serves(FetchData.builder().add(whole, true).add(other, true).build()))
                .as(other.getResponseName()).isFalse();
        }
        for (Item other : new Item[] {Item.ENVELOPE, Item.BODY, Item.BODY_STRUCTURE, Item.MODSEQ, Item.EMAILID,
                Item.THREADID, Item.SAVEDATE}) {
            assertThat(WholeMessageFetch.serves(FetchData.builder().add(whole, false).fetch(other).build()))
                .as(other.name()).isFalse();
        }
        assertThat(WholeMessageFetch.serves(FetchData.builder().add(whole, false).changedSince(3).build())).isFalse();
    }

    @Test
    void sameRepliesAndSeenFlagsAsJames() throws Exception {
        startBoth();
        Twins twins = twins("bodies");
        try (ImapClient ours = ImapClient.connect(fast.boundAddress());
             ImapClient theirs = ImapClient.connect(james.boundAddress());
             ImapClient oursWatching = ImapClient.connect(fast.boundAddress());
             ImapClient theirsWatching = ImapClient.connect(james.boundAddress())) {
            ours.login(twins.ours());
            theirs.login(twins.theirs());
            oursWatching.login(twins.ours());
            theirsWatching.login(twins.theirs());
            both(ours, theirs, "EXAMINE INBOX");
            both(oursWatching, theirsWatching, "EXAMINE INBOX");
            sameReply(ours, theirs, "FETCH 1:* BODY.PEEK[]");
            // Nor does BODY[] set \Seen in a mailbox opened with EXAMINE (James alone would).
            assertThat(sameReply(ours, theirs, "FETCH 12 BODY[]")).doesNotContain("FLAGS");
            both(ours, theirs, "SELECT INBOX");
            for (String command : List.of("FETCH 1:3 BODY.PEEK[]", "FETCH 1:2 (UID FLAGS BODY.PEEK[])",
                    "FETCH 5:7 BODY[]", "FETCH 5:8 (FLAGS BODY[])", "UID FETCH 9:10 (RFC822.SIZE INTERNALDATE BODY[])",
                    "FETCH 11 RFC822", "FETCH 13 (BODY[] BODY.PEEK[] UID)", "FETCH 2,4,14 BODY[]", "FETCH 1:* FLAGS",
                    "UID FETCH 100:* BODY[]", "FETCH 99 BODY[]", "FETCH 1 BODY[]<0.10>", "FETCH 1:* BODY[]")) {
                sameReply(ours, theirs, command);
            }
            // What another session is told of the \Seen flags set.
            assertThat(sameReply(oursWatching, theirsWatching, "NOOP")).contains("* 10 FETCH (FLAGS (\\Recent \\Seen))");
            for (String user : List.of(twins.ours().address(), twins.theirs().address())) {
                expungeAndAddAsAnotherSession(user);
            }
            assertThat(sameReply(ours, theirs, "FETCH 1:* (UID BODY[])")).doesNotContain("EXPUNGE");
            assertThat(sameReply(ours, theirs, "UID FETCH 1:* BODY.PEEK[]")).contains("* 2 EXPUNGE");
            sameReply(ours, theirs, "FETCH 1:* (FLAGS BODY[])");
            sameReply(ours, theirs, "FETCH 1:* FLAGS");
            sameReply(oursWatching, theirsWatching, "FETCH 1:* FLAGS");
        }
    }

    @Test
    void setsSeenOnceForARunOfUnseenMessages() throws Exception {
        AtomicInteger seenUpdates = new AtomicInteger();
        fast = fixture.server().mailboxes(store -> SeenUpdates.counting(store, seenUpdates)).start();
        Twins twins = twins("once");
        try (ImapClient ours = ImapClient.connect(fast.boundAddress())) {
            ours.login(twins.ours());
            assertThat(ours.status("SELECT INBOX")).contains(" OK ");
            // Unseen: 4 and 6..14 (5 is seen), two runs.
            String reply = new String(ours.rawCommand("FETCH 4:14 BODY[]"), StandardCharsets.ISO_8859_1);
            assertThat(reply).contains("* 4 FETCH (FLAGS (\\Recent \\Seen) BODY[] {")
                .contains("* 5 FETCH (BODY[] {");
            assertThat(seenUpdates).hasValue(2);
            assertThat(ours.command("FETCH 4:14 FLAGS")).filteredOn(line -> line.contains("\\Seen")).hasSize(11);
        }
    }

    @Test
    void examineKeepsEveryFetchFromSettingSeen() throws Exception {
        fast = fixture.server().start();
        Twins twins = twins("examine");
        try (ImapClient client = ImapClient.connect(fast.boundAddress())) {
            client.login(twins.ours());
            assertThat(client.status("EXAMINE INBOX")).contains("[READ-ONLY]");
            // Served by WholeMessageFetch, and by James's processor (sections, partial fetches).
            for (String fetch : List.of("FETCH 4 BODY[]", "FETCH 6 RFC822", "FETCH 7 BODY[TEXT]", "FETCH 8 BODY[]<0.10>",
                    "UID FETCH 9 (FLAGS BODY[HEADER])")) {
                assertThat(client.command(fetch)).as(fetch).noneMatch(ImapWholeMessageFetchTest::seenInFetch)
                    .last().asString().contains(" OK ");
            }
            assertThat(client.status("SELECT INBOX")).contains("[READ-WRITE]");
            assertThat(client.command("FETCH 4,6:9 FLAGS")).noneMatch(ImapWholeMessageFetchTest::seenInFetch);
            assertThat(client.command("FETCH 7 BODY[TEXT]")).anyMatch(ImapWholeMessageFetchTest::seenInFetch);
        }
    }

    /** A FETCH response telling \Seen (not the FLAGS response that lists the mailbox's flags). */
    private static boolean seenInFetch(String line) {
        return line.contains(" FETCH (FLAGS (") && line.contains("\\Seen");
    }

    @Test
    void peekFormKeepsEveryItem() {
        FetchData fetch = FetchData.builder().fetch(Item.UID, Item.FLAGS)
            .add(new BodyFetchElement("BODY[]", SectionType.CONTENT, null, null, null, null), false)
            .add(BodyFetchElement.createRFC822Text(), false).build();
        FetchData peek = ReadOnlySelection.peek(fetch);
        assertThat(peek.isSetSeen()).isFalse();
        assertThat(peek.contains(Item.UID)).isTrue();
        assertThat(peek.contains(Item.FLAGS)).isTrue();
        assertThat(peek.contains(Item.SIZE)).isFalse();
        assertThat(peek.getBodyElements()).containsExactlyElementsOf(fetch.getBodyElements());
    }

    private void startBoth() throws Exception {
        fast = fixture.server().start();
        james = fixture.server().jamesFetch().start();
    }

    private static void both(ImapClient ours, ImapClient theirs, String command) throws Exception {
        assertThat(ours.status(command)).contains(" OK ");
        assertThat(theirs.status(command)).contains(" OK ");
    }

    /** The reply to {@code command} from both, which must be the same bytes; as text. */
    private static String sameReply(ImapClient ours, ImapClient theirs, String command) throws Exception {
        String expected = new String(theirs.rawCommand(command), StandardCharsets.ISO_8859_1);
        String actual = new String(ours.rawCommand(command), StandardCharsets.ISO_8859_1);
        assertThat(actual).as(command).isEqualTo(expected);
        return actual;
    }

    private record Twins(TestUsers.Account ours, TestUsers.Account theirs) {
    }

    private static final AtomicInteger TWINS = new AtomicInteger();

    /** Two users whose INBOXes hold the same messages (plain, 8-bit, multipart), flags and internal dates. */
    private static Twins twins(String name) throws Exception {
        int n = TWINS.incrementAndGet();
        Twins twins = new Twins(fixture.users.fresh(name + n + "-ours"), fixture.users.fresh(name + n + "-theirs"));
        for (TestUsers.Account user : List.of(twins.ours(), twins.theirs())) {
            MailboxSession session = session(user.address());
            fixture.store.mailboxManager().createMailbox(MailboxPath.inbox(session), session);
            MessageManager inbox = inbox(user.address(), session);
            for (int i = 1; i <= MESSAGES; i++) {
                inbox.appendMessage(new ByteArrayInputStream(message(i)), new Date(1_700_000_000_000L + i * 86_400_123L),
                    session, true, new Flags());
            }
            set(inbox, session, new Flags(Flag.SEEN), 1, 3);
            set(inbox, session, new Flags(Flag.SEEN), 5, 5);
            set(inbox, session, new Flags(Flag.FLAGGED), 6, 6);
            set(inbox, session, new Flags("custom"), 7, 8);
        }
        return twins;
    }

    /** Message {@code i}: every third one 8-bit, every third one multipart, the others plain. */
    private static byte[] message(int i) {
        String body = "body " + "x".repeat(i * 41);
        if (i % 3 == 1) {
            return ("From: sender@example.net\r\nTo: someone@example.org\r\nSubject: 8bit " + i
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit"
                + "\r\n\r\nGrüße, déjà vu, 日本語 " + body + "\r\n").getBytes(StandardCharsets.UTF_8);
        }
        if (i % 3 == 2) {
            return ("From: sender@example.net\r\nTo: someone@example.org\r\nSubject: multipart " + i
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b" + i + "\"\r\n\r\n"
                + "preamble\r\n--b" + i + "\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n--b" + i
                + "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "AAECAwQFBgcICQ==\r\n--b" + i + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        return ImapSessionTest.message("message " + i, body);
    }

    /** Another session of the user: expunges message 2, adds a message. */
    private static void expungeAndAddAsAnotherSession(String user) throws Exception {
        MailboxSession session = session(user);
        MessageManager inbox = inbox(user, session);
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

    /** Counts the flag updates made through the mailboxes the manager hands out. */
    private static final class SeenUpdates {
        static MailboxManager counting(MailboxManager store, AtomicInteger updates) {
            return (MailboxManager) Proxy.newProxyInstance(MailboxManager.class.getClassLoader(),
                new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> {
                    Object result = invoke(method, store, args);
                    if (method.getName().equals("getMailboxReactive")) {
                        return Mono.from((Publisher<?>) result).map(mailbox -> counting((MessageManager) mailbox, updates));
                    }
                    return result;
                });
        }

        static MessageManager counting(MessageManager mailbox, AtomicInteger updates) {
            return (MessageManager) Proxy.newProxyInstance(MessageManager.class.getClassLoader(),
                new Class<?>[] {MessageManager.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("setFlags")) {
                        updates.incrementAndGet();
                    }
                    return invoke(method, mailbox, args);
                });
        }

        private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
