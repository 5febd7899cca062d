package org.postline.app.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Waits for SIGTERM or SIGINT. Handling them (instead of only a shutdown hook) lets the main thread stop the
 * server in order and exit with status 0 rather than 143.
 */
final class TerminationSignal {

    private final CountDownLatch received = new CountDownLatch(1);

    void install() {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> received.countDown());
            }
        } catch (IllegalArgumentException | LinkageError e) {
            // No signal support here: the shutdown hook still stops the server, with the JVM's exit status.
        }
    }

    void await() throws InterruptedException {
        received.await();
    }
}
