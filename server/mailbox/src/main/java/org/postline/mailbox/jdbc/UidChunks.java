package org.postline.mailbox.jdbc;

import java.util.List;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import reactor.core.publisher.Flux;

/**
 * A uid range read as consecutive queries of at most {@code chunk} rows each, in uid order; a query runs only
 * when the consumer has taken every message of the one before, so few messages are held at any time.
 */
final class UidChunks {

    /** Reads the rows with uids {@code from..to}, in uid order, at most {@code limit} of them. */
    @FunctionalInterface
    interface ChunkQuery {
        Chunk read(long from, long to, int limit) throws MailboxException;
    }

    /**
     * The messages made of one query's rows, how many rows it read and the last row's uid: a query may read
     * rows that make no message (when messages are joined with a snapshot taken before).
     */
    record Chunk(List<? extends MailboxMessage> messages, int rows, long lastUid) {
        /** A chunk of one message a row. */
        static Chunk of(List<? extends MailboxMessage> messages) {
            return new Chunk(messages, messages.size(),
                messages.isEmpty() ? -1 : messages.get(messages.size() - 1).getUid().asLong());
        }
    }

    private UidChunks() {
    }

    /** The messages of {@code range}, at most {@code limit} of them when it is positive. */
    static Flux<MailboxMessage> read(MessageRange range, int limit, int chunk, ChunkQuery query) {
        long to = range.getUidTo().asLong();
        return Flux.<List<? extends MailboxMessage>, Position>generate(
                () -> new Position(range.getUidFrom().asLong(), limit > 0 ? limit : Long.MAX_VALUE),
                (position, sink) -> {
                    if (position.done || position.next > to || position.remaining <= 0) {
                        sink.complete();
                        return position;
                    }
                    int rows = (int) Math.min(chunk, position.remaining);
                    Chunk read;
                    try {
                        read = query.read(position.next, to, rows);
                    } catch (MailboxException e) {
                        sink.error(e);
                        return position;
                    }
                    if (read.rows() == 0) {
                        sink.complete();
                        return position;
                    }
                    // A short chunk was the last one; so is one that reached the top uid (no overflow past it).
                    position.done = read.rows() < rows || read.lastUid() >= to;
                    position.next = read.lastUid() + 1;
                    position.remaining -= read.messages().size();
                    sink.next(read.messages());
                    return position;
                })
            .<MailboxMessage>flatMapIterable(messages -> messages, 1);
    }

    /** Where the next query starts and how many messages may still come. */
    private static final class Position {
        long next;
        long remaining;
        boolean done;

        Position(long next, long remaining) {
            this.next = next;
            this.remaining = remaining;
        }
    }
}
