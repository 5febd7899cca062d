package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.LongStream;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import reactor.core.publisher.BaseSubscriber;

/** Chunked range reads: every message once, in order, within limits, each query only when it is needed. */
class UidChunksTest {

    private static final long[] STORED = {1, 2, 4, 5, 7, 8, 9, 12, 15, 20};

    private final List<String> queries = new ArrayList<>();

    @Test
    void readsEveryMessageOfTheRangeInOrderAcrossChunks() {
        List<Long> uids = uidsOf(UidChunks.read(range(2, 15), -1, 3, this::query).collectList().block());

        assertThat(uids).containsExactly(2L, 4L, 5L, 7L, 8L, 9L, 12L, 15L);
        // The third chunk came back short: it was the last, no further query.
        assertThat(queries).containsExactly("2..15 max 3", "6..15 max 3", "10..15 max 3");
    }

    @Test
    void aFullLastChunkEndsTheReadWithAnEmptyQueryOrAtTheTopUid() {
        assertThat(uidsOf(UidChunks.read(range(1, 5), -1, 2, this::query).collectList().block()))
            .containsExactly(1L, 2L, 4L, 5L);
        assertThat(queries).containsExactly("1..5 max 2", "3..5 max 2");

        queries.clear();
        assertThat(uidsOf(UidChunks.read(range(1, Long.MAX_VALUE), -1, 5, this::query).collectList().block()))
            .containsExactly(LongStream.of(STORED).boxed().toArray(Long[]::new));
        assertThat(queries).containsExactly("1..9223372036854775807 max 5", "8..9223372036854775807 max 5",
            "21..9223372036854775807 max 5");
    }

    @Test
    void rowsThatMakeNoMessageDoNotEndTheRead() {
        // Odd uids make no message (as rows a snapshot does not hold): a chunk of them is not the last.
        UidChunks.ChunkQuery joined = (from, to, limit) -> {
            UidChunks.Chunk rows = query(from, to, limit);
            return new UidChunks.Chunk(rows.messages().stream().filter(m -> m.getUid().asLong() % 2 == 0).toList(),
                rows.rows(), rows.lastUid());
        };

        assertThat(uidsOf(UidChunks.read(range(1, 20), -1, 2, joined).collectList().block()))
            .containsExactly(2L, 4L, 8L, 12L, 20L);
        assertThat(queries).containsExactly("1..20 max 2", "3..20 max 2", "6..20 max 2", "9..20 max 2",
            "13..20 max 2");
    }

    @Test
    void aLimitCapsTheMessagesAndTheLastQuery() {
        assertThat(uidsOf(UidChunks.read(range(2, 15), 4, 3, this::query).collectList().block()))
            .containsExactly(2L, 4L, 5L, 7L);
        assertThat(queries).containsExactly("2..15 max 3", "6..15 max 1");
    }

    @Test
    void queriesRunOnlyAsTheConsumerTakesMessages() {
        List<Long> taken = new ArrayList<>();
        UidChunks.read(range(1, 20), -1, 3, this::query).subscribe(new BaseSubscriber<MailboxMessage>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(MailboxMessage message) {
                taken.add(message.getUid().asLong());
                if (taken.size() < 4) {
                    request(1);
                }
            }
        });

        assertThat(taken).containsExactly(1L, 2L, 4L, 5L);
        assertThat(queries).containsExactly("1..20 max 3", "5..20 max 3");
    }

    @Test
    void aFailedQueryFailsTheRead() {
        UidChunks.ChunkQuery failing = (from, to, limit) -> {
            if (from > 1) {
                throw new MailboxException("gone");
            }
            return query(from, to, limit);
        };

        assertThatThrownBy(() -> UidChunks.read(range(1, 20), -1, 3, failing).collectList().block())
            .hasRootCauseInstanceOf(MailboxException.class);
    }

    private UidChunks.Chunk query(long from, long to, int limit) {
        queries.add(from + ".." + to + " max " + limit);
        return UidChunks.Chunk.of(LongStream.of(STORED).filter(uid -> uid >= from && uid <= to).limit(limit)
            .mapToObj(UidChunksTest::message).toList());
    }

    private static MailboxMessage message(long uid) {
        byte[] content = ("Subject: " + uid + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageId id = new PostlineMessageId.Factory().generate();
        SimpleMailboxMessage message = new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(),
            content.length, content.length, new ByteContent(content), new Flags(), new PropertyBuilder().build(),
            new JdbcMailboxId(1));
        message.setUid(MessageUid.of(uid));
        return message;
    }

    private static MessageRange range(long from, long to) {
        return MessageRange.range(MessageUid.of(from), MessageUid.of(to));
    }

    private static List<Long> uidsOf(List<MailboxMessage> messages) {
        return messages.stream().map(message -> message.getUid().asLong()).toList();
    }
}
