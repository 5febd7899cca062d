package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.api.mailbox.DeliverySession;
import org.postline.mailbox.jdbc.TestDatabase;

/**
 * Delivery sessions resolve the INBOX from memory; a remembered INBOX deleted or renamed since, by this store or by
 * another sharing the database (another node), is never delivered into: the append fails, and a fresh lookup
 * (what LocalDelivery does next) finds the right mailbox.
 */
class DeliveryMailboxLookupTest {

    private static final String USER = "alice@example.org";

    static TestDatabase database;
    private StoreFixture fixture;
    private MailboxStore otherNode;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void openStores() throws Exception {
        fixture = new StoreFixture(database);
        otherNode = MailboxStore.open(database.dataSource(), database.blobDirectory(), fixture.users, Clock.systemUTC(),
            StoreSettings.DEFAULTS.withBodies(database.bodies()));
    }

    @AfterEach
    void closeStores() {
        otherNode.close();
        fixture.close();
    }

    @Test
    void repeatedDeliveriesResolveTheInboxFromMemory() throws Exception {
        deliver(fixture.store, "one");
        assertThat(fixture.store.mapperFactory().rememberedDeliveryMailboxes()).isEqualTo(1);
        deliver(fixture.store, "two");
        deliver(fixture.store, "three");
        assertThat(subjects(fixture.store, "INBOX")).containsExactly("one", "two", "three");
        assertThat(fixture.store.mapperFactory().rememberedDeliveryMailboxes()).isEqualTo(1);
    }

    @Test
    void otherSessionsNeverSeeARememberedMailbox() throws Exception {
        deliver(fixture.store, "before");
        MailboxSession other = otherNode.mailboxManager().createSystemSession(Username.of(USER));
        otherNode.mailboxManager().renameMailbox(MailboxPath.inbox(other), MailboxPath.forUser(Username.of(USER), "Old"), other);

        MailboxSession reader = fixture.session(USER);
        assertThatThrownBy(() -> fixture.store.mailboxManager().getMailbox(MailboxPath.inbox(reader), reader))
            .isInstanceOf(MailboxNotFoundException.class);
    }

    @Test
    void anInboxRenamedByAnotherNodeIsNotDeliveredInto() throws Exception {
        deliver(fixture.store, "before");
        MailboxSession other = otherNode.mailboxManager().createSystemSession(Username.of(USER));
        otherNode.mailboxManager().renameMailbox(MailboxPath.inbox(other), MailboxPath.forUser(Username.of(USER), "Old"), other);
        otherNode.mailboxManager().createMailbox(MailboxPath.inbox(other), other);

        MailboxSession session = deliverySession(fixture.store);
        MessageManager stale = fixture.store.mailboxManager().getMailbox(MailboxPath.inbox(session), session);
        assertThatThrownBy(() -> stale.appendMessage(message("lost?"), session)).isInstanceOf(MailboxNotFoundException.class);

        deliver(fixture.store, "after");
        assertThat(subjects(fixture.store, "Old")).containsExactly("before");
        assertThat(subjects(fixture.store, "INBOX")).containsExactly("after");
        assertThat(subjects(otherNode, "INBOX")).containsExactly("after");
    }

    @Test
    void anInboxDeletedByAnotherNodeIsCreatedAgainOnDelivery() throws Exception {
        deliver(fixture.store, "before");
        MailboxSession other = otherNode.mailboxManager().createSystemSession(Username.of(USER));
        otherNode.mailboxManager().deleteMailbox(MailboxPath.inbox(other), other);

        deliver(fixture.store, "after");
        assertThat(subjects(otherNode, "INBOX")).containsExactly("after");
    }

    @Test
    void anInboxRenamedOrDeletedHereIsForgottenAtOnce() throws Exception {
        deliver(fixture.store, "first");
        MailboxSession owner = fixture.session(USER);
        fixture.store.mailboxManager().renameMailbox(MailboxPath.inbox(owner), MailboxPath.forUser(Username.of(USER), "Old"), owner);
        assertThat(fixture.store.mapperFactory().rememberedDeliveryMailboxes()).isZero();
        deliver(fixture.store, "second");
        fixture.store.mailboxManager().deleteMailbox(MailboxPath.inbox(owner), owner);
        assertThat(fixture.store.mapperFactory().rememberedDeliveryMailboxes()).isZero();
        deliver(fixture.store, "third");

        assertThat(subjects(fixture.store, "Old")).containsExactly("first");
        assertThat(subjects(fixture.store, "INBOX")).containsExactly("third");
    }

    /** As LocalDelivery: a delivery session; one fresh lookup (creating the INBOX if missing) when the append finds it gone. */
    private static void deliver(MailboxStore store, String subject) throws MailboxException {
        MailboxSession session = deliverySession(store);
        try {
            inbox(store, session).appendMessage(message(subject), session);
        } catch (MailboxNotFoundException gone) {
            inbox(store, session).appendMessage(message(subject), session);
        }
    }

    private static MessageManager inbox(MailboxStore store, MailboxSession session) throws MailboxException {
        MailboxPath path = MailboxPath.inbox(session);
        try {
            return store.mailboxManager().getMailbox(path, session);
        } catch (MailboxNotFoundException missing) {
            store.mailboxManager().createMailbox(path, session);
            return store.mailboxManager().getMailbox(path, session);
        }
    }

    private static MailboxSession deliverySession(MailboxStore store) {
        MailboxSession session = store.mailboxManager().createSystemSession(Username.of(USER));
        session.getAttributes().put(DeliverySession.ATTRIBUTE, Boolean.TRUE);
        return session;
    }

    private static MessageManager.AppendCommand message(String subject) {
        return MessageManager.AppendCommand.builder()
            .build(("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> subjects(MailboxStore store, String mailbox) throws Exception {
        MailboxSession session = store.mailboxManager().createSystemSession(Username.of(USER));
        MessageManager manager = store.mailboxManager().getMailbox(MailboxPath.forUser(Username.of(USER), mailbox), session);
        List<String> subjects = new ArrayList<>();
        for (var messages = manager.getMessages(MessageRange.all(), FetchGroup.HEADERS, session); messages.hasNext(); ) {
            MessageResult message = messages.next();
            String headers = new String(message.getHeaders().getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            subjects.add(headers.lines().filter(line -> line.startsWith("Subject: ")).findFirst().orElseThrow()
                .substring("Subject: ".length()));
        }
        return subjects;
    }
}
