package org.postline.protocols;

import java.net.InetSocketAddress;

/**
 * One front-end listening on one port, whatever its protocol. Contract: {@link #start()} either binds or
 * throws with a message fit for the user and leaves nothing bound; {@link #close()} stops accepting, lets
 * sessions in flight finish within a bounded grace period, and may be called more than once.
 */
public interface Listener extends AutoCloseable {

    void start() throws ListenerStartException;

    /** The bound address; the actual port when the configured port was 0. Only after {@link #start()}. */
    InetSocketAddress boundAddress();

    @Override
    void close();
}
