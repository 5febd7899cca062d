package org.postline.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postline.api.config.StorageConfig;
import org.postline.bench.Messages;
import org.postline.mailbox.MailboxStore;
import org.postline.store.Store;
import reactor.core.publisher.Mono;

/**
 * The mailbox store on embedded Derby, as the server opens it: appending a 5 KB message to an INBOX (durable:
 * body file and row synced), fetching one message's full content, and fetching the metadata of a 1,000-message
 * range (what FETCH 1:* (UID FLAGS RFC822.SIZE) does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MailboxBenchmark {

    private static final String USER = "alice@bench.test";
    private static final int PRELOADED = 1000;

    private Path directory;
    private Store store;
    private MailboxStore mailboxes;
    private MailboxSession session;
    private MessageManager inbox;
    private byte[] message;
    private long firstUid;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("postline-jmh-mailbox");
        StorageConfig config = new StorageConfig("jdbc:derby:" + directory.resolve("derby") + ";create=true",
                Optional.empty(), Optional.empty(), 10, directory.resolve("blobs"));
        store = Store.open(config, "bench.test");
        store.domains().add("bench.test");
        store.users().add(USER, "bench-pw".toCharArray());
        mailboxes = MailboxStore.open(store.dataSource(), directory.resolve("blobs").resolve("mailboxes"),
                store.users());
        session = mailboxes.mailboxManager().createSystemSession(Username.of(USER));
        MailboxPath path = MailboxPath.inbox(session);
        if (!Mono.from(mailboxes.mailboxManager().mailboxExists(path, session)).block()) {
            mailboxes.mailboxManager().createMailbox(path, session);
        }
        inbox = mailboxes.mailboxManager().getMailbox(path, session);
        message = new Messages("bob@remote.example", 5120).message(USER, "mailbox bench");
        firstUid = append().asLong();
        for (int i = 1; i < PRELOADED; i++) {
            append();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mailboxes.close();
        store.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private MessageUid append() throws Exception {
        return inbox.appendMessage(MessageManager.AppendCommand.builder().build(message), session).getId().getUid();
    }

    @Benchmark
    public MessageUid appendOne() throws Exception {
        return append();
    }

    @Benchmark
    public long fetchOneFullContent() throws Exception {
        long uid = firstUid + ThreadLocalRandom.current().nextInt(PRELOADED);
        Iterator<MessageResult> results = inbox.getMessages(MessageRange.one(MessageUid.of(uid)),
                FetchGroup.FULL_CONTENT, session);
        long bytes = 0;
        while (results.hasNext()) {
            try (InputStream in = results.next().getFullContent().getInputStream()) {
                bytes += in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        return bytes;
    }

    @Benchmark
    public long fetchMetadataOf1000() throws Exception {
        Iterator<MessageResult> results = inbox.getMessages(
                MessageRange.range(MessageUid.of(firstUid), MessageUid.of(firstUid + PRELOADED - 1)),
                FetchGroup.MINIMAL, session);
        long total = 0;
        while (results.hasNext()) {
            total += results.next().getSize();
        }
        return total;
    }
}
