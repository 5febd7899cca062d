package org.postline.protocols.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the protocol fuzz tests share: one fuzz input is written as a client session to a live listener on
 * loopback followed by a goodbye; the server must end the session within a bound (a hang is a finding) and
 * still greet the next client (a dead listener is a finding).
 */
public final class WireFuzzing {

    /** Longer than any pause the listeners add (failed-login delays are 50 ms in tests). */
    private static final int FIRST_BOUND_MILLIS = 1_000;
    private static final int SESSION_BOUND_MILLIS = 15_000;
    /** More than the largest literal, line or chunk the test listeners accept (1 MiB messages). */
    private static final int FILLER_BYTES = 1_100_000;

    private static final AtomicLong INPUTS = new AtomicLong();

    private WireFuzzing() {
    }

    /**
     * Plays the input as one client session, then {@code ending} (bytes that close any state of the protocol
     * and say goodbye). The server must then close the connection; if it does not within a second it may
     * be waiting for the rest of a literal or chunk the input announced, so filler and the ending are sent
     * once more, and a session still open after that is a hang. Returns what the server sent.
     */
    public static String session(InetSocketAddress server, byte[] input, String ending) throws IOException {
        INPUTS.incrementAndGet();
        byte[] goodbye = ending.getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            connect(socket, server);
            socket.setSoTimeout(FIRST_BOUND_MILLIS);
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            if (write(socket, input, goodbye) && !readToEnd(socket, seen)) {
                socket.setSoTimeout(SESSION_BOUND_MILLIS);
                byte[] filler = new byte[FILLER_BYTES];
                Arrays.fill(filler, (byte) 'x');
                if (write(socket, filler, goodbye) && !readToEnd(socket, seen)) {
                    throw new AssertionError("the session was still open " + SESSION_BOUND_MILLIS + " ms after the "
                            + "client said goodbye; the server said: " + tail(seen));
                }
            }
            return seen.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Connects to the listener under test; Jazzer's SSRF detector would otherwise report the harness itself. */
    private static void connect(Socket socket, InetSocketAddress server) throws IOException {
        try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == server.getPort())) {
            socket.connect(server, 5_000);
        }
    }

    private static boolean write(Socket socket, byte[] first, byte[] second) {
        try {
            socket.getOutputStream().write(first);
            socket.getOutputStream().write(second);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException closedEarly) {
            return false; // the server already ended the session (bad commands, BYE); what it said is read
        }
    }

    /** Reads until the server closes (true), or until the read times out (false). */
    private static boolean readToEnd(Socket socket, ByteArrayOutputStream seen) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                seen.write(buffer, 0, n);
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (SocketException reset) {
            return true; // a reset after the server closed on unread input is an ending too
        }
    }

    /** The first line a fresh client gets: the listener is still alive and answering. */
    public static String greeting(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket()) {
            connect(socket, server);
            socket.setSoTimeout(SESSION_BOUND_MILLIS);
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    /** How many inputs this JVM has played, for the run's report. */
    public static long inputsPlayed() {
        return INPUTS.get();
    }

    private static String tail(ByteArrayOutputStream seen) {
        String text = seen.toString(StandardCharsets.ISO_8859_1);
        return text.length() > 300 ? "..." + text.substring(text.length() - 300) : text;
    }
}
