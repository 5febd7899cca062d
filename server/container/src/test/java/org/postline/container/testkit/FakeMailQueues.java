package org.postline.container.testkit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.Spool;

/** In-memory named queues; "spool" is the environment's spool. */
public final class FakeMailQueues implements MailQueues {

    private final Map<String, FakeSpool> queues = new ConcurrentHashMap<>();

    public FakeMailQueues(FakeSpool spool) {
        queues.put(SPOOL, spool);
    }

    @Override
    public Spool queue(String name) {
        return queues.computeIfAbsent(name, n -> new FakeSpool());
    }

    public FakeSpool fake(String name) {
        return (FakeSpool) queue(name);
    }
}
