package org.postline.protocols.imap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;
import org.postline.mailbox.MailboxStore;
import org.postline.protocols.ListenerStartException;

/**
 * The Postline mailbox store on Derby, its users, and IMAP listeners on 127.0.0.1 over it; one fixture per
 * test class, a listener per test.
 */
final class ImapFixture implements AutoCloseable {

    static final String HOST = "imap.example.org";

    final TestUsers users = new TestUsers();
    final MailboxStore store;
    private final MailboxDatabase database;
    private final Path var;

    ImapFixture(Path directory) {
        this.database = new MailboxDatabase(directory);
        this.store = database.open(users);
        this.var = directory.resolve("var");
    }

    ImapContext context() {
        return context(store, store.mailboxManager());
    }

    private ImapContext context(MailboxStore node, MailboxManager mailboxes) {
        return new ImapContext(HOST, users, mailboxes, node.subscriptionManager(), node.eventBus(),
            node.quotaManager(), node.quotaRootResolver(), node.metricFactory(), var);
    }

    /** Another node: a mailbox store of its own (caches, snapshots, event bus) over the same database. */
    MailboxStore otherNode() {
        return database.open(users);
    }

    /** Limits for tests: 1 MiB messages, 1000-byte lines, short pause after a failed login. */
    static ListenerLimits testLimits() {
        return new ListenerLimits(1024 * 1024, 1000, 10, 100, 50, Duration.ofSeconds(30), 5,
            Duration.ofMillis(50), 3);
    }

    Server server() {
        return new Server();
    }

    /** Appends a message to the user's INBOX (created if missing) as LocalDelivery does. */
    void deliver(String user, byte[] message) throws Exception {
        MailboxSession session = store.mailboxManager().createSystemSession(Username.of(user));
        MailboxPath inbox = MailboxPath.inbox(session);
        MessageManager manager;
        try {
            manager = store.mailboxManager().getMailbox(inbox, session);
        } catch (MailboxNotFoundException missing) {
            try {
                store.mailboxManager().createMailbox(inbox, session);
            } catch (MailboxExistsException createdConcurrently) {
                // a login or another delivery created it meanwhile, as LocalDelivery allows for
            }
            manager = store.mailboxManager().getMailbox(inbox, session);
        }
        manager.appendMessage(new ByteArrayInputStream(message), new Date(), session, true, new Flags());
    }

    /** The messages of one of the user's mailboxes, oldest first. */
    List<byte[]> messages(String user, String mailbox) throws Exception {
        MailboxSession session = store.mailboxManager().createSystemSession(Username.of(user));
        MessageManager manager = store.mailboxManager().getMailbox(MailboxPath.forUser(Username.of(user), mailbox), session);
        List<byte[]> contents = new ArrayList<>();
        MessageResultIterator results = manager.getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        while (results.hasNext()) {
            try (InputStream in = results.next().getFullContent().getInputStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                contents.add(out.toByteArray());
            }
        }
        return contents;
    }

    @Override
    public void close() {
        store.close();
        database.close();
    }

    /** One IMAP listener, configured per test. */
    final class Server {
        private ListenerConfig.TlsMode tlsMode = ListenerConfig.TlsMode.NONE;
        private boolean plainAuthWithoutTls;
        private boolean loopbackIsSecure = true;
        private ListenerLimits limits = testLimits();
        private ImapLimits imapLimits = ImapLimits.defaults();
        private MailboxStore node = store;
        private MailboxManager mailboxes = store.mailboxManager();
        private boolean metadataFetch = true;

        /** The listener serves {@code other} (from {@link #otherNode()}) instead of this fixture's store. */
        Server node(MailboxStore other) {
            node = other;
            mailboxes = other.mailboxManager();
            return this;
        }

        /** The listener's mailbox calls go through {@code slow}. */
        Server slowStore(SlowMailboxes slow) {
            mailboxes = slow.wrap(store.mailboxManager());
            return this;
        }

        /** The listener's mailbox calls go through {@code wrapper} (tests that watch them). */
        Server mailboxes(UnaryOperator<MailboxManager> wrapper) {
            mailboxes = wrapper.apply(mailboxes);
            return this;
        }

        /** Every FETCH goes to James's processor, as it would without {@link MetadataFetch}. */
        Server jamesFetch() {
            metadataFetch = false;
            return this;
        }

        Server tlsMode(ListenerConfig.TlsMode value) {
            tlsMode = value;
            return this;
        }

        Server plainAuthWithoutTls() {
            plainAuthWithoutTls = true;
            return this;
        }

        /** Loopback is then treated like any other client: no plain-text login without TLS. */
        Server loopbackNotSecure() {
            loopbackIsSecure = false;
            return this;
        }

        Server limits(ListenerLimits value) {
            limits = value;
            return this;
        }

        Server imapLimits(ImapLimits value) {
            imapLimits = value;
            return this;
        }

        ImapListener start() throws ListenerStartException {
            ListenerConfig config = new ListenerConfig("test-imap", ListenerConfig.Protocol.IMAP, "127.0.0.1", 0,
                tlsMode, false, plainAuthWithoutTls, loopbackIsSecure, Optional.empty(), limits);
            ImapListener listener = new ImapListener(config, context(node, mailboxes), imapLimits, metadataFetch);
            listener.start();
            return listener;
        }
    }
}
