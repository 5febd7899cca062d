package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.postline.api.config.BodyStorage;
import org.postline.api.mailbox.DeliverySession;

/**
 * Hands James the JDBC mappers. They hold no per-session state (every call is its own transaction),
 * so one instance of each serves all sessions.
 */
public final class JdbcMailboxSessionMapperFactory extends MailboxSessionMapperFactory {

    /**
     * Most mail is smaller. A body in the row costs one database log sync shared with its message row; a file
     * costs two more syncs (file, directory) but keeps big bodies out of the log and out of memory on reads.
     */
    public static final long DEFAULT_INLINE_BODY_BYTES = 64 * 1024;

    private final Database database;
    private final BlobRefs blobs;
    private final MailboxSequences sequences;
    private final JdbcMailboxMapper mailboxMapper;
    private final JdbcMailboxMapper deliveryMailboxMapper;
    private final DeliveryMailboxes delivered;
    private final JdbcMessageMapper messageMapper;
    private final JdbcMessageIdMapper messageIdMapper;
    private final HeaderSearch headerSearch;
    private final JdbcSubscriptionMapper subscriptionMapper;
    private final JdbcAnnotationMapper annotationMapper;

    /** The schema must already be migrated ({@link MailboxSchema#migrate}). */
    public JdbcMailboxSessionMapperFactory(DataSource dataSource, Path blobDirectory, MessageId.Factory messageIds,
                                           Clock clock) throws IOException {
        this(dataSource, blobDirectory, BodyStorage.FILES, messageIds, clock);
    }

    /** With bodies as files under {@code blobDirectory} (but small ones inline) or in the database. */
    public JdbcMailboxSessionMapperFactory(DataSource dataSource, Path blobDirectory, BodyStorage bodies,
                                           MessageId.Factory messageIds, Clock clock) throws IOException {
        this(dataSource, blobDirectory, bodies, DEFAULT_INLINE_BODY_BYTES, messageIds, clock);
    }

    /**
     * As above; with {@link BodyStorage#FILES}, bodies of at most {@code inlineBodyBytes} are kept in the
     * database anyway, committed with their message (0: every body is a file).
     */
    public JdbcMailboxSessionMapperFactory(DataSource dataSource, Path blobDirectory, BodyStorage bodies,
                                           long inlineBodyBytes, MessageId.Factory messageIds, Clock clock)
            throws IOException {
        this(dataSource, blobDirectory, bodies, inlineBodyBytes, messageIds, clock,
            MetadataSnapshots.DEFAULT_MAX_MESSAGES);
    }

    /** As above, holding metadata snapshots of at most {@code snapshotMessages} messages in all. */
    JdbcMailboxSessionMapperFactory(DataSource dataSource, Path blobDirectory, BodyStorage bodies,
                                    long inlineBodyBytes, MessageId.Factory messageIds, Clock clock,
                                    int snapshotMessages) throws IOException {
        this.database = new Database(dataSource);
        DatabaseBodies rows = new DatabaseBodies(database);
        this.blobs = new BlobRefs(bodies == BodyStorage.DATABASE
            ? rows
            : new InlineOrFileBodies(rows, new FileBodies(new BlobFiles(blobDirectory)), inlineBodyBytes));
        this.sequences = new MailboxSequences(database);
        MessageTable table = new MessageTable(database, blobs, messageIds);
        this.delivered = new DeliveryMailboxes();
        this.mailboxMapper = new JdbcMailboxMapper(database, blobs, delivered, false);
        this.deliveryMailboxMapper = new JdbcMailboxMapper(database, blobs, delivered, true);
        this.messageMapper = new JdbcMessageMapper(table, sequences, clock, snapshotMessages, delivered);
        this.messageIdMapper = new JdbcMessageIdMapper(table, messageMapper, clock);
        this.headerSearch = new HeaderSearch(table);
        this.subscriptionMapper = new JdbcSubscriptionMapper(database);
        this.annotationMapper = new JdbcAnnotationMapper(database);
    }

    /**
     * Removes bodies left unreferenced by an interrupted delete and temporary files of interrupted writes;
     * meant for start-up.
     */
    public void collectUnreferencedBodies() throws MailboxException {
        blobs.collectAllUnreferenced(database);
        try {
            blobs.bodies().cleanUp();
        } catch (IOException e) {
            throw new MailboxException("Cannot clean the blob directory's temporary files", e);
        }
    }

    /** Mailboxes delivery sessions currently resolve from memory (tests). */
    public int rememberedDeliveryMailboxes() {
        return delivered.size();
    }

    @Override
    public MailboxMapper createMailboxMapper(MailboxSession session) {
        // Only local delivery may resolve paths from memory: its appends verify what it resolved.
        if (session.getType() == MailboxSession.SessionType.System
                && session.getAttributes().containsKey(DeliverySession.ATTRIBUTE)) {
            return deliveryMailboxMapper;
        }
        return mailboxMapper;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return messageMapper;
    }

    @Override
    public MessageIdMapper createMessageIdMapper(MailboxSession session) {
        return messageIdMapper;
    }

    @Override
    public AnnotationMapper createAnnotationMapper(MailboxSession session) {
        return annotationMapper;
    }

    @Override
    public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
        return subscriptionMapper;
    }

    @Override
    public UidProvider getUidProvider() {
        return sequences;
    }

    @Override
    public ModSeqProvider getModSeqProvider() {
        return sequences;
    }

    /**
     * The messages of a mailbox whose raw header bytes pass {@code header}, in uid order, headers loaded:
     * a search can screen messages on their header without building the others. Subject needles
     * (upper-cased printable ASCII texts every Subject match must hold) let the subject index screen first.
     */
    public List<MailboxMessage> messagesByHeader(Mailbox mailbox, List<String> subjectNeedles, Predicate<byte[]> header)
            throws MailboxException {
        return headerSearch.findByHeader(mailbox, subjectNeedles, header);
    }

    public MailboxMapper mailboxMapper() {
        return mailboxMapper;
    }

    public MessageMapper messageMapper() {
        return messageMapper;
    }

    public MessageIdMapper messageIdMapper() {
        return messageIdMapper;
    }

    public SubscriptionMapper subscriptionMapper() {
        return subscriptionMapper;
    }

    public AnnotationMapper annotationMapper() {
        return annotationMapper;
    }
}
