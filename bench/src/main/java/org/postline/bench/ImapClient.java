package org.postline.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal IMAP4rev1 client on a raw socket. Responses are read as lines; literals ({n}) are skipped
 * byte-exactly, so a FETCH of bodies costs the client only the copy out of the socket.
 */
public final class ImapClient implements AutoCloseable {

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");

    private final Socket socket;
    private final LineInput in;
    private final OutputStream out;
    private int tags;

    private ImapClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new LineInput(socket.getInputStream(), "IMAP " + socket.getRemoteSocketAddress());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    /** Connects and reads the greeting. */
    public static ImapClient open(String host, int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        ImapClient client = new ImapClient(socket);
        String greeting = client.in.read();
        if (!greeting.startsWith("* OK")) {
            client.close();
            throw new IOException("IMAP greeting: " + greeting);
        }
        return client;
    }

    public void login(String user, String password) throws IOException {
        ok(command("LOGIN " + quoted(user) + " " + quoted(password), line -> { }), "LOGIN");
    }

    /** SELECTs the mailbox and returns its EXISTS count. */
    public int select(String mailbox) throws IOException {
        int[] exists = {0};
        ok(command("SELECT " + quoted(mailbox), line -> {
            Matcher m = EXISTS.matcher(line);
            if (m.matches()) {
                exists[0] = Integer.parseInt(m.group(1));
            }
        }), "SELECT");
        return exists[0];
    }

    /** STATUS (MESSAGES) without selecting. */
    public int messages(String mailbox) throws IOException {
        int[] count = {-1};
        Pattern status = Pattern.compile(".*\\(MESSAGES (\\d+)\\)\\s*$");
        ok(command("STATUS " + quoted(mailbox) + " (MESSAGES)", line -> {
            Matcher m = status.matcher(line);
            if (line.startsWith("* STATUS") && m.matches()) {
                count[0] = Integer.parseInt(m.group(1));
            }
        }), "STATUS");
        return count[0];
    }

    /** APPENDs a message with a synchronizing literal (every server supports it). */
    public void append(String mailbox, byte[] message) throws IOException {
        String tag = nextTag();
        write(tag + " APPEND " + quoted(mailbox) + " {" + message.length + "}");
        String line = in.read();
        while (line.startsWith("* ")) {
            line = in.read();
        }
        if (!line.startsWith("+")) {
            throw new IOException("APPEND refused: " + line);
        }
        out.write(message);
        write("");
        ok(untilTagged(tag, l -> { }), "APPEND");
    }

    /**
     * Sends one command and reads its whole response. Returns the tagged status line; every untagged or
     * continuation line goes to {@code lines} (literal contents are skipped).
     */
    public String command(String command, Consumer<String> lines) throws IOException {
        String tag = nextTag();
        write(tag + " " + command);
        return untilTagged(tag, lines);
    }

    /** Enters IDLE; returns once the server has said "+". */
    public void idle() throws IOException {
        String tag = nextTag();
        write(tag + " IDLE");
        String line = in.read();
        while (!line.startsWith("+")) {
            if (line.startsWith(tag + " ")) {
                throw new IOException("IDLE refused: " + line);
            }
            line = in.read();
        }
        idleTag = tag;
    }

    private String idleTag;

    /**
     * In IDLE: waits for an EXISTS count of at least {@code count}; false if none came in time.
     */
    public boolean awaitExists(int count, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        int soTimeout = socket.getSoTimeout();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                String line;
                try {
                    line = in.read();
                } catch (SocketTimeoutException e) {
                    return false;
                }
                Matcher m = EXISTS.matcher(line);
                if (m.matches() && Integer.parseInt(m.group(1)) >= count) {
                    return true;
                }
            }
            return false;
        } finally {
            socket.setSoTimeout(soTimeout);
        }
    }

    /** Leaves IDLE. */
    public void done() throws IOException {
        write("DONE");
        ok(untilTagged(idleTag, l -> { }), "IDLE");
    }

    public void logout() throws IOException {
        command("LOGOUT", line -> { });
    }

    private String untilTagged(String tag, Consumer<String> lines) throws IOException {
        String prefix = tag + " ";
        while (true) {
            String line = in.read();
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
            // A response may hold several literals: each piece of line before one is passed on, the literal
            // itself skipped.
            Matcher m = LITERAL.matcher(line);
            while (m.find()) {
                lines.accept(line);
                in.skip(Long.parseLong(m.group(1)));
                line = in.read();
                m = LITERAL.matcher(line);
            }
            lines.accept(line);
        }
    }

    /** Throws unless the tagged status is OK. */
    public static void ok(String status, String what) throws IOException {
        if (!status.startsWith("OK")) {
            throw new IOException(what + ": " + status);
        }
    }

    /** Counts the untagged lines that match. */
    public static Consumer<String> counting(Predicate<String> which, int[] counter) {
        return line -> {
            if (which.test(line)) {
                counter[0]++;
            }
        };
    }

    private String nextTag() {
        return "b" + (++tags);
    }

    private void write(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
