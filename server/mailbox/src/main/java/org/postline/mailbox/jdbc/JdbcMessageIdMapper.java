package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.reactivestreams.Publisher;

import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.Multimap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Messages by their {@link MessageId}, across mailboxes; a plain index on {@code mbx_message.message_id}. */
final class JdbcMessageIdMapper implements MessageIdMapper {

    private static final int IN_LIST_CHUNK = 200;

    private final MessageTable table;
    private final Database database;
    private final JdbcMessageMapper messages;
    private final Clock clock;

    JdbcMessageIdMapper(MessageTable table, JdbcMessageMapper messages, Clock clock) {
        this.table = table;
        this.database = table.database();
        this.messages = messages;
        this.clock = clock;
    }

    @Override
    public List<MailboxMessage> find(Collection<MessageId> messageIds, FetchType fetchType) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(database.inTransactionUnchecked(connection -> select(connection, messageIds, fetchType)));
    }

    @Override
    public Flux<MailboxMessage> findReactive(Collection<MessageId> messageIds, FetchType fetchType) {
        return Mono.fromCallable(() -> find(messageIds, fetchType))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(found -> found);
    }

    @Override
    public Publisher<ComposedMessageIdWithMetaData> findMetadata(MessageId messageId) {
        return Mono.fromCallable(() -> find(List.of(messageId), FetchType.METADATA))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(found -> found)
            .map(MailboxMessage::getComposedMessageIdWithMetaData);
    }

    @Override
    public List<MailboxId> findMailboxes(MessageId messageId) {
        return find(List.of(messageId), FetchType.METADATA).stream().map(MailboxMessage::getMailboxId).toList();
    }

    @Override
    public void save(MailboxMessage message) throws MailboxException {
        insert(message, JdbcMailboxId.of(message.getMailboxId()).value());
    }

    @Override
    public void copyInMailbox(MailboxMessage message, Mailbox mailbox) throws MailboxException {
        if (!findMailboxes(message.getMessageId()).contains(mailbox.getMailboxId())) {
            insert(message, JdbcMailboxId.of(mailbox.getMailboxId()).value());
        }
    }

    @Override
    public void delete(MessageId messageId) {
        deleteWhere(messageId, mailboxId -> true);
    }

    @Override
    public void delete(MessageId messageId, Collection<MailboxId> mailboxIds) {
        Set<MailboxId> targets = Set.copyOf(mailboxIds);
        deleteWhere(messageId, targets::contains);
    }

    @Override
    public Mono<Multimap<MailboxId, UpdatedFlags>> setFlags(MessageId messageId, List<MailboxId> mailboxIds, Flags newState,
                                                            MessageManager.FlagsUpdateMode updateMode) {
        return Mono.fromCallable(() -> {
            Set<MailboxId> targets = new LinkedHashSet<>(mailboxIds);
            FlagsUpdateCalculator calculator = new FlagsUpdateCalculator(newState, updateMode);
            ImmutableListMultimap.Builder<MailboxId, UpdatedFlags> updates = ImmutableListMultimap.builder();
            for (MailboxMessage message : find(List.of(messageId), FetchType.METADATA)) {
                if (targets.contains(message.getMailboxId())) {
                    long uid = message.getUid().asLong();
                    updates.putAll(message.getMailboxId(),
                        messages.updateFlags(JdbcMailboxId.of(message.getMailboxId()).value(), calculator, uid, uid));
                }
            }
            return (Multimap<MailboxId, UpdatedFlags>) updates.build();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private void insert(MailboxMessage message, long mailboxId) throws MailboxException {
        MessageTable.Incoming incoming = table.read(message);
        // A stored message loads its properties on first use: do it before the transaction, not inside it.
        message.getProperties();
        Date saveDate = Date.from(clock.instant());
        Flags flags = message.createFlags();
        database.execute(connection -> {
            MailboxSequences.raiseTo(connection, mailboxId, message.getUid(), message.getModSeq());
            table.insert(connection, mailboxId, message.getUid(), message.getModSeq(), message, incoming, flags, saveDate);
        });
        message.setSaveDate(saveDate);
    }

    private interface MailboxFilter {
        boolean accepts(MailboxId mailboxId);
    }

    private void deleteWhere(MessageId messageId, MailboxFilter filter) {
        List<String> unreferenced = new ArrayList<>();
        database.inTransactionUnchecked(connection -> {
            unreferenced.clear();
            Map<Long, List<StoredMessage>> byMailbox = new TreeMap<>();
            for (StoredMessage message : select(connection, List.of(messageId), FetchType.METADATA)) {
                if (filter.accepts(message.getMailboxId())) {
                    byMailbox.computeIfAbsent(JdbcMailboxId.of(message.getMailboxId()).value(), id -> new ArrayList<>())
                        .add(message);
                }
            }
            Map<String, Long> released = new HashMap<>();
            for (Map.Entry<Long, List<StoredMessage>> entry : byMailbox.entrySet()) {
                MailboxSequences.allocateModSeq(connection, entry.getKey());
                table.delete(connection, entry.getKey(), entry.getValue())
                    .forEach((hash, count) -> released.merge(hash, count, Long::sum));
            }
            unreferenced.addAll(table.blobs().release(connection, released));
            return null;
        });
        table.blobs().collect(database, unreferenced);
    }

    private List<StoredMessage> select(Connection connection, Collection<MessageId> messageIds, FetchType fetchType)
            throws SQLException {
        List<String> ids = messageIds.stream().map(MessageId::serialize).distinct().toList();
        List<StoredMessage> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK));
            found.addAll(table.select(connection, "message_id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                + ")", new ArrayList<>(chunk), fetchType, 0));
        }
        return found;
    }
}
