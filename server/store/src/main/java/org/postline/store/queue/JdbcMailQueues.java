package org.postline.store.queue;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.Spool;
import org.postline.store.blob.BlobStore;
import org.postline.store.jdbc.Jdbc;

/**
 * The named queues of one store. Each name has exactly one {@link JdbcSpool} (its claims live in that
 * instance), and {@value MailQueues#SPOOL} is the store's incoming spool itself.
 */
public final class JdbcMailQueues implements MailQueues {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Jdbc jdbc;
    private final BlobStore blobs;
    private final MailIds ids;
    private final Clock clock;
    private final Map<String, JdbcSpool> queues = new ConcurrentHashMap<>();

    public JdbcMailQueues(Jdbc jdbc, BlobStore blobs, MailIds ids, Clock clock, JdbcSpool spool) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
        queues.put(spool.queueName(), spool);
    }

    @Override
    public Spool queue(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a queue name (1 to 64 letters, digits, '.', '_', '-')");
        }
        return queues.computeIfAbsent(name, n -> new JdbcSpool(jdbc, blobs, ids, clock, n));
    }
}
