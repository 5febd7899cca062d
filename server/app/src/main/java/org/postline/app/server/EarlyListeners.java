package org.postline.app.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.postline.api.config.ListenerConfig;
import org.postline.app.server.PostlineServer.BoundListener;
import org.postline.protocols.Listener;

/**
 * Listeners that start on their own thread, one after the other, while the server's main thread goes on with
 * what they do not need. The server takes each one back in configuration order; what it never takes back (a
 * start that failed elsewhere) is closed here.
 */
final class EarlyListeners implements AutoCloseable {

    /** A listener that is bound, and where. */
    record Started(Listener listener, BoundListener bound) {
    }

    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "postline-early-listeners"));
    private final Map<ListenerConfig, Future<Started>> starts = new LinkedHashMap<>();

    EarlyListeners(List<ListenerConfig> listeners, Function<ListenerConfig, Callable<Started>> start) {
        listeners.forEach(listener -> starts.put(listener, thread.submit(start.apply(listener))));
        thread.shutdown();
    }

    boolean holds(ListenerConfig listener) {
        return starts.containsKey(listener);
    }

    /** Waits for that listener's start. @throws StartupException (or what the start threw) if it failed */
    Started take(ListenerConfig listener) throws StartupException {
        Future<Started> start = starts.remove(listener);
        if (start == null) {
            throw new IllegalArgumentException("listener '" + listener.name() + "' is not started early");
        }
        try {
            return start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting the listener '" + listener.name() + "'", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StartupException startup) {
                throw startup;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new StartupException(String.valueOf(cause), cause);
        }
    }

    /** Closes the listeners not taken: each one once its start is over, whether it bound or not. */
    @Override
    public void close() {
        for (ListenerConfig listener : List.copyOf(starts.keySet())) {
            try {
                take(listener).listener().close();
            } catch (StartupException | RuntimeException e) {
                // Its start failed, so it holds nothing; the server reports the failure that stopped it.
            }
        }
        thread.shutdownNow();
    }
}
