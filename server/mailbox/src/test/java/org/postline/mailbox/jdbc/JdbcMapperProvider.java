package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MapperProvider;

/** Gives James's mapper contract tests our JDBC mappers over an emptied test database. */
public final class JdbcMapperProvider implements MapperProvider {

    private final JdbcMailboxSessionMapperFactory factory;
    private final MessageId.Factory messageIds = new PostlineMessageId.Factory();
    // Far above the uids the mappers hand out, so messages saved with a given uid never collide with them.
    private final AtomicLong uids = new AtomicLong(1_000_000);
    private final AtomicLong modSeqsOfUnknownMailboxes = new AtomicLong();

    public JdbcMapperProvider(TestDatabase database, Clock clock) {
        try {
            database.reset();
            this.factory = new JdbcMailboxSessionMapperFactory(database.dataSource(), database.blobDirectory(),
                database.bodies(), messageIds, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public JdbcMailboxSessionMapperFactory factory() {
        return factory;
    }

    @Override
    public List<Capabilities> getSupportedCapabilities() {
        return List.of(Capabilities.MESSAGE, Capabilities.MAILBOX, Capabilities.ANNOTATION, Capabilities.MOVE,
            Capabilities.UNIQUE_MESSAGE_ID, Capabilities.THREAD_SAFE_FLAGS_UPDATE, Capabilities.INCREMENTAL_APPLICABLE_FLAGS,
            Capabilities.ACL_STORAGE);
    }

    @Override
    public MailboxMapper createMailboxMapper() {
        return factory.mailboxMapper();
    }

    @Override
    public MessageMapper createMessageMapper() {
        return factory.messageMapper();
    }

    @Override
    public MessageIdMapper createMessageIdMapper() {
        return factory.messageIdMapper();
    }

    @Override
    public AttachmentMapper createAttachmentMapper() {
        throw new UnsupportedOperationException("Postline stores no separate attachments");
    }

    @Override
    public MailboxId generateId() {
        return new JdbcMailboxId(ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE));
    }

    @Override
    public MessageUid generateMessageUid() {
        return MessageUid.of(uids.incrementAndGet());
    }

    @Override
    public ModSeq generateModSeq(Mailbox mailbox) throws MailboxException {
        try {
            return factory.getModSeqProvider().nextModSeq(mailbox);
        } catch (MailboxNotFoundException e) {
            // The contract tests prepare messages for mailboxes that were never created.
            return ModSeq.of(modSeqsOfUnknownMailboxes.incrementAndGet());
        }
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return factory.getModSeqProvider().highestModSeq(mailbox);
    }

    @Override
    public boolean supportPartialAttachmentFetch() {
        return false;
    }

    @Override
    public MessageId generateMessageId() {
        return messageIds.generate();
    }
}
