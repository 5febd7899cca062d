package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import javax.mail.Flags;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.mailbox.jdbc.TestDatabase;

import reactor.core.publisher.Flux;

/**
 * Searches by header text, which screen messages on their raw header bytes first, find what James's own
 * matcher finds: folded lines, encoded words, 8-bit headers, any letter case, other headers, AND and OR.
 */
class HeaderSearchTest {

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
        session = fixture.session("alice@example.org");
        inbox = fixture.inbox(session);
    }

    @AfterEach
    void closeStore() {
        fixture.close();
    }

    @Test
    void headerSearchesFindWhatJamesMatches() throws Exception {
        MessageUid plain = append("Subject: a needle here\r\n", "hay");
        MessageUid shouting = append("Subject: NEEDLE shouting\r\n", "hay");
        MessageUid folded = append("Subject: a long subject\r\n with a needle after the fold\r\n", "hay");
        MessageUid quoted = append("Subject: =?UTF-8?Q?n=C3=A9edle_and_needle?=\r\n", "hay");
        MessageUid base64 = append("Subject: =?UTF-8?B?" + Base64.getEncoder().encodeToString(
            "nee\u00e9dle needle".getBytes(StandardCharsets.UTF_8)) + "?=\r\n", "hay");
        MessageUid eightBit = append("Subject: caf\u00e9 needle\r\n", "hay");
        MessageUid otherHeader = append("Subject: nothing\r\nX-Note: a needle\r\n", "hay");
        MessageUid bodyOnly = append("Subject: hay\r\n", "a needle in the body");
        MessageUid splitByFold = append("Subject: nee\r\n dle\r\n", "hay");

        assertThat(search(SearchQuery.subject("needle")))
            .containsExactly(plain, shouting, folded, quoted, base64, eightBit);
        assertThat(search(SearchQuery.subject("NeEdLe"))).containsExactly(plain, shouting, folded, quoted, base64, eightBit);
        assertThat(search(SearchQuery.headerContains("X-Note", "needle"))).containsExactly(otherHeader);
        assertThat(search(SearchQuery.subject("nee dle"))).containsExactly(splitByFold);
        assertThat(search(SearchQuery.subject("with a needle"))).containsExactly(folded);
        assertThat(search(SearchQuery.subject("absent"))).isEmpty();
        assertThat(search(SearchQuery.subject("needle"), SearchQuery.subject("shouting"))).containsExactly(shouting);
        assertThat(search(SearchQuery.or(SearchQuery.subject("needle"), SearchQuery.bodyContains("needle"))))
            .containsExactly(plain, shouting, folded, quoted, base64, eightBit, bodyOnly);
    }

    @Test
    void screenedMessagesKeepTheirFlagsForTheRestOfTheQuery() throws Exception {
        MessageUid first = append("Subject: needle one\r\n", "hay");
        MessageUid second = append("Subject: needle two\r\n", "hay");
        append("Subject: hay\r\n", "hay");
        inbox.setFlags(new Flags("$hit"), MessageManager.FlagsUpdateMode.ADD, MessageRange.one(second), session);

        assertThat(search(SearchQuery.subject("needle"), SearchQuery.flagIsSet("$hit"))).containsExactly(second);
        assertThat(search(SearchQuery.subject("needle"), SearchQuery.flagIsUnSet("$hit"))).containsExactly(first);
    }

    @Test
    void subjectSearchesFindWhatJamesFindsOnRandomHeaders() throws Exception {
        Random random = new Random(9);
        String[] pieces = {"needle", "NeEdLe", "nee", "dle", " ", "a", "100%", "a_b", "x!y", "\r\n ", "\r\n\t",
            "=?UTF-8?Q?needle?=", "caf\u00e9", "=", "?", "_", "%"};
        for (int m = 0; m < 60; m++) {
            StringBuilder header = new StringBuilder();
            int fields = random.nextInt(3);
            for (int f = 0; f <= fields; f++) {
                String name = List.of("Subject", "SUBJECT", "subject ", "X-Subject", "Subject\t").get(random.nextInt(5));
                header.append(name).append(':');
                int length = random.nextInt(8);
                for (int p = 0; p < length; p++) {
                    header.append(pieces[random.nextInt(pieces.length)]);
                }
                if (random.nextInt(10) == 0) {
                    header.append(" needle".repeat(40)); // longer than the subject key can hold
                }
                header.append("\r\n");
            }
            append(header.toString(), "needle in the body");
        }
        for (String needle : List.of("needle", "NEEDLE", "nee dle", "needle needle", "100%", "a_b", "x!y", "%", "_",
                "!", "e\tn", "a", "= ?", "needle=")) {
            List<MessageUid> unscreened = search(SearchQuery.or(List.of(SearchQuery.subject(needle))));
            assertThat(search(SearchQuery.subject(needle))).as(needle).isEqualTo(unscreened);
            assertThat(search(SearchQuery.headerContains("subject", needle))).as(needle).isEqualTo(unscreened);
        }
    }

    @Test
    void messagesStoredBeforeTheSubjectIndexAreStillFound() throws Exception {
        MessageUid old = append("Subject: an old needle\r\n", "hay");
        append("Subject: old hay\r\n", "hay");
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE mbx_message SET subject_key = NULL");
            connection.commit();
        }
        MessageUid fresh = append("Subject: a new needle\r\n", "hay");

        assertThat(search(SearchQuery.subject("needle"))).containsExactly(old, fresh);
        // The first search fills the keys in the background.
        for (int i = 0; i < 200 && rowsWithoutSubjectKey() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(rowsWithoutSubjectKey()).as("filled after the first search").isZero();
        assertThat(search(SearchQuery.subject("needle"))).containsExactly(old, fresh);
        assertThat(search(SearchQuery.subject("old"))).containsExactly(old, MessageUid.of(old.asLong() + 1));
    }

    private long rowsWithoutSubjectKey() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM mbx_message WHERE subject_key IS NULL")) {
            result.next();
            long count = result.getLong(1);
            connection.commit();
            return count;
        }
    }

    @Test
    void likeWildcardsInTheSearchTextAreLiteral() throws Exception {
        append("Subject: 100 points\r\n", "hay");
        MessageUid percent = append("Subject: 100% points\r\n", "hay");
        append("Subject: aXb\r\n", "hay");
        MessageUid underscore = append("Subject: a_b\r\n", "hay");

        assertThat(search(SearchQuery.subject("100%"))).containsExactly(percent);
        assertThat(search(SearchQuery.subject("a_b"))).containsExactly(underscore);
    }

    private List<MessageUid> search(SearchQuery.Criterion... criteria) throws Exception {
        return Flux.from(inbox.search(SearchQuery.of(criteria), session)).collectList().block();
    }

    private MessageUid append(String header, String body) throws Exception {
        byte[] message = (header + "\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
        return inbox.appendMessage(MessageManager.AppendCommand.builder().build(message), session).getId().getUid();
    }
}
