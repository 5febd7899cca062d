package org.postline.protocols.pop3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.mail.Flags;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;
import org.postline.protocols.ListenerStartException;

/** One POP3 listener on 127.0.0.1 over James's in-memory mailboxes, configured per test. */
final class Pop3TestServer implements AutoCloseable {

    static final String HOST = "pop.example.org";

    final FakeUsers users;
    final MailboxManager mailboxes;
    final Pop3Context context;
    final Pop3Listener listener;

    private Pop3TestServer(Builder builder) throws ListenerStartException {
        this.users = builder.users;
        this.mailboxes = builder.context.map(Pop3Context::mailboxes).orElseGet(Pop3TestServer::memoryMailboxes);
        this.context = builder.context.orElseGet(() -> new Pop3Context(HOST, users, mailboxes, builder.varDirectory));
        ListenerConfig config = new ListenerConfig("test-pop3", ListenerConfig.Protocol.POP3, "127.0.0.1", 0,
                builder.tlsMode, false, builder.plainAuthWithoutTls, builder.loopbackIsSecure, Optional.empty(),
                builder.limits);
        this.listener = new Pop3Listener(config, context);
        listener.start();
    }

    private static MailboxManager memoryMailboxes() {
        try {
            return InMemoryIntegrationResources.defaultResources().getMailboxManager();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Builder builder(Path varDirectory) {
        return new Builder(varDirectory);
    }

    /** Limits for tests: short auth delay, a few bad commands, 1000-byte lines. */
    static ListenerLimits testLimits() {
        return new ListenerLimits(1024 * 1024, 1000, 10, 100, 50, Duration.ofSeconds(30), 5,
                Duration.ofMillis(50), 3);
    }

    InetSocketAddress address() {
        return listener.boundAddress();
    }

    Pop3Client connect() throws Exception {
        return Pop3Client.connect(address());
    }

    /**
     * Waits (bounded) until no session holds the user's maildrop: a connection the client dropped is only
     * cleaned up once the server notices, a moment later.
     */
    void awaitUnlocked(String user) throws InterruptedException {
        for (int i = 0; i < 250 && context.maildropLocks().isLocked(user); i++) {
            Thread.sleep(20);
        }
    }

    /** Appends a message to the user's INBOX (created if missing), as delivery would. */
    void append(String user, byte[] message) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MailboxPath inbox = MailboxPath.inbox(session);
        MessageManager manager;
        try {
            manager = mailboxes.getMailbox(inbox, session);
        } catch (MailboxNotFoundException missing) {
            mailboxes.createMailbox(inbox, session);
            manager = mailboxes.getMailbox(inbox, session);
        }
        manager.appendMessage(new ByteArrayInputStream(message), new Date(), session, true, new Flags());
    }

    /** Deletes the user's {@code number}th message (from 1, oldest first), as an IMAP client's expunge would. */
    void expunge(String user, int number) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        MessageManager manager = mailboxes.getMailbox(MailboxPath.inbox(session), session);
        MessageResultIterator results = manager.getMessages(MessageRange.all(), FetchGroup.MINIMAL, session);
        List<MessageUid> uids = new ArrayList<>();
        while (results.hasNext()) {
            uids.add(results.next().getUid());
        }
        manager.delete(List.of(uids.get(number - 1)), session);
    }

    /** The messages in the user's INBOX, oldest first; empty if there is no INBOX. */
    List<byte[]> messages(String user) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        List<byte[]> contents = new ArrayList<>();
        MessageManager manager;
        try {
            manager = mailboxes.getMailbox(MailboxPath.inbox(session), session);
        } catch (MailboxNotFoundException missing) {
            return contents;
        }
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
        listener.close(Duration.ofSeconds(2));
    }

    static final class Builder {
        private final Path varDirectory;
        private ListenerConfig.TlsMode tlsMode = ListenerConfig.TlsMode.NONE;
        private boolean plainAuthWithoutTls;
        private boolean loopbackIsSecure = true;
        private ListenerLimits limits = testLimits();
        private FakeUsers users = FakeUsers.standard();
        private Optional<Pop3Context> context = Optional.empty();

        private Builder(Path varDirectory) {
            this.varDirectory = varDirectory;
        }

        Builder tlsMode(ListenerConfig.TlsMode value) {
            tlsMode = value;
            return this;
        }

        Builder plainAuthWithoutTls() {
            plainAuthWithoutTls = true;
            return this;
        }

        /** Loopback is then treated like any other client: no plain-text login without TLS. */
        Builder loopbackNotSecure() {
            loopbackIsSecure = false;
            return this;
        }

        /** Shares another server's users, mailboxes and maildrop locks (a second port of one server). */
        Builder sharing(Pop3TestServer other) {
            users = other.users;
            context = Optional.of(other.context);
            return this;
        }

        Builder maxLineLength(int value) {
            ListenerLimits l = limits;
            limits = new ListenerLimits(l.maxMessageSize(), value, l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
            return this;
        }

        Builder maxConnectionsPerIp(int value) {
            ListenerLimits l = limits;
            limits = new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    value, l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
            return this;
        }

        Builder idleTimeout(Duration value) {
            ListenerLimits l = limits;
            limits = new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), value, l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
            return this;
        }

        Builder maxBadCommands(int value) {
            ListenerLimits l = limits;
            limits = new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), value, l.authFailureDelay(), l.maxAuthFailures());
            return this;
        }

        Builder authFailures(Duration delay, int max) {
            ListenerLimits l = limits;
            limits = new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), delay, max);
            return this;
        }

        Pop3TestServer start() throws ListenerStartException {
            return new Pop3TestServer(this);
        }
    }
}
