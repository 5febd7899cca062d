package org.postline.mailbox.jdbc;

import java.util.List;
import java.util.Optional;

import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Header reads of a mailbox (ENVELOPE, header fetches), in chunks of {@link #CHUNK} rows, each read when the
 * consumer wants it: holding ten thousand messages at once made every young collection copy them. With a
 * metadata snapshot current when the read begins, only uids and headers come from the rows (a third of the cost
 * of whole rows for Derby) and the rest from the snapshot, as if the whole read happened then: a message added
 * since is left out, and so is one expunged since. Without one, whole rows.
 */
final class HeaderReads {

    /** Rows per query. */
    static final int CHUNK = 500;

    private final MessageTable table;
    private final Database database;
    private final MetadataSnapshots snapshots;

    HeaderReads(MessageTable table, MetadataSnapshots snapshots) {
        this.table = table;
        this.database = table.database();
        this.snapshots = snapshots;
    }

    /** The messages of {@code range} in the mailbox, with their headers, at most {@code limit} if positive. */
    Flux<MailboxMessage> read(long mailboxId, MessageRange range, int limit) {
        return Mono.fromCallable(() -> snapshots.forRange(mailboxId, range.getUidFrom().asLong(), range.getUidTo().asLong()))
            .flatMapMany(snapshot -> UidChunks.read(range, limit, CHUNK, chunks(mailboxId, snapshot)));
    }

    private UidChunks.ChunkQuery chunks(long mailboxId, Optional<MetadataSnapshot> snapshot) {
        if (snapshot.isPresent()) {
            return (from, to, limit) -> {
                MessageTable.HeaderRows rows = database.inTransaction(connection ->
                    table.headers(connection, mailboxId, from, to, limit));
                return new UidChunks.Chunk(snapshot.get().messages(table, rows), rows.count(),
                    rows.count() == 0 ? -1 : rows.uids()[rows.count() - 1]);
            };
        }
        return (from, to, limit) -> UidChunks.Chunk.of(database.inTransaction(connection -> table.select(connection,
            "mailbox_id = ? AND uid BETWEEN ? AND ?", List.of(mailboxId, from, to), FetchType.HEADERS, limit)));
    }
}
