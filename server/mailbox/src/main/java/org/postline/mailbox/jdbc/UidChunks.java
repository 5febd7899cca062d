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

    /** Reads the messages with uids {@code from..to}, in uid order, at most {@code limit} of them. */
    @FunctionalInterface
    interface ChunkQuery {
        List<? extends MailboxMessage> read(long from, long to, int limit) throws MailboxException;
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
                    List<? extends MailboxMessage> read;
                    try {
                        read = query.read(position.next, to, rows);
                    } catch (MailboxException e) {
                        sink.error(e);
                        return position;
                    }
                    if (read.isEmpty()) {
                        sink.complete();
                        return position;
                    }
                    long last = read.get(read.size() - 1).getUid().asLong();
                    // A short chunk was the last one; so is one that reached the top uid (no overflow past it).
                    position.done = read.size() < rows || last >= to;
                    position.next = last + 1;
                    position.remaining -= read.size();
                    sink.next(read);
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
