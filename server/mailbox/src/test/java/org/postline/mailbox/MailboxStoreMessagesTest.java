package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageManager.MailboxMetaData;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.UidValidity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.mailbox.jdbc.TestDatabase;
import reactor.core.publisher.Flux;

/** Appending, fetching and flagging through James's MailboxManager wired over the Derby store. */
class MailboxStoreMessagesTest {

    private static final String ALICE = "alice@example.org";
    private static final byte[] HEADER = ("Return-Path: <bob@example.net>\r\n"
        + "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n"
        + "Content-Type: text/plain; charset=ISO-8859-1\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = concat(
        ".a line that starts with a dot\r\n..two dots\r\n.\r\n".getBytes(StandardCharsets.US_ASCII),
        new byte[] {(byte) 0xE9, (byte) 0xFF, 0x00, '\r', '\n'},
        "trailing line without CRLF".getBytes(StandardCharsets.US_ASCII));

    static TestDatabase database;
    private StoreFixture fixture;
    private MailboxSession session;
    private MessageManager inbox;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void openStore() throws Exception {
        fixture = new StoreFixture(database);
        session = fixture.session(ALICE);
        inbox = fixture.inbox(session);
    }

    @AfterEach
    void closeStore() {
        fixture.close();
    }

    @Test
    void appendedMessageIsFetchedByteForByteWithHeaderAndBodySplit() throws Exception {
        Date internalDate = new Date(1_700_000_000_123L);
        byte[] message = concat(HEADER, BODY);

        MessageUid uid = inbox.appendMessage(MessageManager.AppendCommand.builder()
            .withInternalDate(internalDate).build(message), session).getId().getUid();

        MessageResult fetched = fetch(uid, FetchGroup.FULL_CONTENT);
        assertThat(read(fetched.getFullContent().getInputStream())).isEqualTo(message);
        assertThat(read(fetched.getHeaders().getInputStream())).isEqualTo(HEADER);
        assertThat(read(fetched.getBody().getInputStream())).isEqualTo(BODY);
        assertThat(fetched.getSize()).isEqualTo(message.length);
        assertThat(fetched.getInternalDate()).isEqualTo(internalDate);
    }

    @Test
    void messageWithoutBodyOrFinalNewlineIsKeptByteForByte() throws Exception {
        byte[] message = "Subject: no body, no final CRLF".getBytes(StandardCharsets.US_ASCII);

        MessageUid uid = inbox.appendMessage(MessageManager.AppendCommand.builder().build(message), session)
            .getId().getUid();

        MessageResult fetched = fetch(uid, FetchGroup.FULL_CONTENT);
        assertThat(read(fetched.getFullContent().getInputStream())).isEqualTo(message);
        assertThat(fetched.getSize()).isEqualTo(message.length);
    }

    @Test
    void contentSurvivesARestart() throws Exception {
        byte[] message = concat(HEADER, BODY);
        MessageUid uid = inbox.appendMessage(MessageManager.AppendCommand.from(
            new org.apache.james.mailbox.model.ByteContent(message)), session).getId().getUid();

        fixture.reopen();
        session = fixture.session(ALICE);
        inbox = fixture.inbox(session);

        assertThat(read(fetch(uid, FetchGroup.FULL_CONTENT).getFullContent().getInputStream())).isEqualTo(message);
    }

    @Test
    void uidsAscendAndAreNeverReusedAndUidValidityIsStable() throws Exception {
        MailboxMetaData empty = metaData();
        assertThat(empty.getUidNext()).isEqualTo(MessageUid.of(1));

        MessageUid first = append("one");
        MessageUid second = append("two");
        assertThat(List.of(first, second)).containsExactly(MessageUid.of(1), MessageUid.of(2));

        inbox.delete(List.of(second), session);
        assertThat(metaData().getUidNext()).isEqualTo(MessageUid.of(3));
        assertThat(append("three")).isEqualTo(MessageUid.of(3));

        UidValidity validity = metaData().getUidValidity();
        fixture.reopen();
        session = fixture.session(ALICE);
        inbox = fixture.inbox(session);
        assertThat(metaData().getUidValidity()).isEqualTo(validity);
        assertThat(metaData().getUidNext()).isEqualTo(MessageUid.of(4));
    }

    @Test
    void modSeqMovesOnEveryChangeAndOnlyOnChanges() throws Exception {
        ModSeq initial = metaData().getHighestModSeq();
        MessageUid uid = append("hello");
        ModSeq afterAppend = metaData().getHighestModSeq();
        assertThat(afterAppend).isGreaterThan(initial);
        assertThat(fetch(uid, FetchGroup.MINIMAL).getModSeq()).isEqualTo(afterAppend);

        inbox.setFlags(new Flags(Flags.Flag.SEEN), MessageManager.FlagsUpdateMode.ADD, MessageRange.one(uid), session);
        ModSeq afterSeen = metaData().getHighestModSeq();
        assertThat(afterSeen).isGreaterThan(afterAppend);
        assertThat(fetch(uid, FetchGroup.MINIMAL).getModSeq()).isEqualTo(afterSeen);

        inbox.setFlags(new Flags(Flags.Flag.SEEN), MessageManager.FlagsUpdateMode.ADD, MessageRange.one(uid), session);
        assertThat(metaData().getHighestModSeq()).isEqualTo(afterSeen);

        inbox.delete(List.of(uid), session);
        assertThat(metaData().getHighestModSeq()).isGreaterThan(afterSeen);
    }

    @Test
    void userKeywordsArePermanentAndStored() throws Exception {
        assertThat(inbox.getPermanentFlags(session).contains(Flags.Flag.USER)).isTrue();
        MessageUid uid = append("keywords");

        Flags flags = new Flags("$Forwarded");
        flags.add(Flags.Flag.FLAGGED);
        inbox.setFlags(flags, MessageManager.FlagsUpdateMode.ADD, MessageRange.one(uid), session);

        Flags stored = fetch(uid, FetchGroup.MINIMAL).getFlags();
        assertThat(stored.contains("$Forwarded")).isTrue();
        assertThat(stored.contains(Flags.Flag.FLAGGED)).isTrue();
        assertThat(inbox.getApplicableFlags(session).contains("$Forwarded")).isTrue();
    }

    @Test
    void movedMessageKeepsItsContentAndLeavesTheSource() throws Exception {
        byte[] message = concat(HEADER, BODY);
        MessageUid uid = inbox.appendMessage(MessageManager.AppendCommand.builder().build(message), session)
            .getId().getUid();
        MailboxPath archive = MailboxPath.forUser(session.getUser(), "Archive");
        fixture.store.mailboxManager().createMailbox(archive, session);

        fixture.store.mailboxManager().moveMessages(MessageRange.one(uid), MailboxPath.inbox(session), archive, session);

        assertThat(inbox.getMessageCount(session)).isZero();
        MessageManager archived = fixture.store.mailboxManager().getMailbox(archive, session);
        MessageResult moved = archived.getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session).next();
        assertThat(read(moved.getFullContent().getInputStream())).isEqualTo(message);
        assertThat(fixture.storedBodies()).isEqualTo(1);
        assertThat(fixture.totalReferences()).isEqualTo(1);
    }

    @Test
    void searchFindsTheLastWordOfABodyWithoutAFinalLineBreak() throws Exception {
        MessageUid unterminated = inbox.appendMessage(MessageManager.AppendCommand.builder()
            .build("Subject: a\r\n\r\nfirst line\r\nlast words"), session).getId().getUid();
        MessageUid terminated = append("words");

        assertThat(search(SearchQuery.bodyContains("words"))).containsExactly(unterminated, terminated);
        assertThat(search(SearchQuery.mailContains("last words"))).containsExactly(unterminated);
        assertThat(search(SearchQuery.bodyContains("wordsX"))).isEmpty();
        // What a client fetches is unchanged.
        assertThat(read(fetch(unterminated, FetchGroup.FULL_CONTENT).getFullContent().getInputStream()))
            .asString(StandardCharsets.US_ASCII).endsWith("first line\r\nlast words");
    }

    private List<MessageUid> search(SearchQuery.Criterion criterion) throws Exception {
        return Flux.from(inbox.search(SearchQuery.of(criterion), session)).collectList().block();
    }

    private MessageUid append(String text) throws Exception {
        String message = "Subject: " + text + "\r\n\r\n" + text + "\r\n";
        return inbox.appendMessage(MessageManager.AppendCommand.builder().build(message), session).getId().getUid();
    }

    private MessageResult fetch(MessageUid uid, FetchGroup group) throws Exception {
        return inbox.getMessages(MessageRange.one(uid), group, session).next();
    }

    private MailboxMetaData metaData() throws Exception {
        return inbox.getMetaData(MailboxMetaData.RecentMode.IGNORE, session,
            EnumSet.allOf(MailboxMetaData.Item.class));
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
