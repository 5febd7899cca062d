package org.postline.protocols;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A listener could not start: its port could not be bound, or its TLS material could not be loaded.
 * The message is written for the person who runs the server and names the listener and what to change.
 */
public class ListenerStartException extends Exception {

    private static final int FIRST_UNPRIVILEGED_PORT = 1024;

    public ListenerStartException(String message) {
        super(message);
    }

    public ListenerStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Turns a failed bind into a message that says what to do about it.
     *
     * @param listener the listener's name from conf/postline.xml
     * @param address  the address and configured port that could not be bound
     * @param cause    what the bind threw
     */
    public static ListenerStartException bindFailed(String listener, InetSocketAddress address, Throwable cause) {
        String host = address.getHostString();
        int port = address.getPort();
        String detail = String.valueOf(rootMessage(cause)).toLowerCase(Locale.ROOT);
        boolean bindProblem = hasCause(cause, BindException.class) || detail.contains("bind");
        if (bindProblem && (detail.contains("permission denied") || detail.contains("eacces")
                || detail.contains("access denied"))) {
            String why = port < FIRST_UNPRIVILEGED_PORT
                    ? "port " + port + " needs root or CAP_NET_BIND_SERVICE (e.g. the shipped systemd unit's "
                      + "AmbientCapabilities, or `setcap cap_net_bind_service=+ep` on the java binary)"
                    : "the system refused port " + port;
            return new ListenerStartException("cannot bind " + host + ":" + port + ": " + why
                    + ", or choose a different <port> for listener '" + listener + "' in conf/postline.xml", cause);
        }
        if (detail.contains("address already in use") || detail.contains("eaddrinuse")) {
            return new ListenerStartException("port " + port + " on " + host + " is already in use (listener '"
                    + listener + "')", cause);
        }
        if (detail.contains("cannot assign requested address") || detail.contains("eaddrnotavail")) {
            return new ListenerStartException("address " + host + " is not an address of this host (listener '"
                    + listener + "'); change its bind address in conf/postline.xml", cause);
        }
        return new ListenerStartException("cannot bind " + host + ":" + port + " for listener '" + listener + "': "
                + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable error) {
        Throwable current = error;
        String message = error.getMessage();
        while (current != null) {
            if (current.getMessage() != null) {
                message = current.getMessage();
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return false;
    }
}
