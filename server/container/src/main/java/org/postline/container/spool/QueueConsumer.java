package org.postline.container.spool;

import java.time.Duration;
import org.apache.camel.RoutesBuilder;

/** The Camel routes that feed one queue's mail to its worker, and how to stop them gracefully. */
public interface QueueConsumer extends RoutesBuilder {

    /** A hint that mail may be ready (after a local commit); non-blocking. */
    void wake();

    /** Stops taking mail, then waits up to {@code timeout} for mail being processed; true when all finished. */
    boolean drain(Duration timeout) throws InterruptedException;
}
