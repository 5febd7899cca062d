package org.postline.protocols.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw IMAP client for tests: exact bytes out, lines in, STARTTLS, every read bounded by a timeout. */
final class ImapClient implements AutoCloseable {

    static final int TIMEOUT_MILLIS = 10_000;

    private final AtomicInteger tags = new AtomicInteger();
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    final String greeting;

    private ImapClient(Socket socket) throws IOException {
        attach(socket);
        greeting = readLine();
    }

    static ImapClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        return new ImapClient(socket);
    }

    /** Connects with implicit TLS, trusting any certificate. */
    static ImapClient connectTls(InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.startHandshake();
        return new ImapClient(socket);
    }

    private void attach(Socket next) throws IOException {
        socket = next;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    String nextTag() {
        return "t" + tags.incrementAndGet();
    }

    /** Sends a command with a fresh tag and reads up to its tagged reply; returns every line, the tagged one last. */
    List<String> command(String command) throws IOException {
        String tag = nextTag();
        send(tag + " " + command + "\r\n");
        return readUntilTagged(tag);
    }

    /** The tagged line of {@link #command}. */
    String status(String command) throws IOException {
        List<String> lines = command(command);
        return lines.get(lines.size() - 1);
    }

    List<String> readUntilTagged(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed before the reply to " + tag + "; got " + lines);
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    /**
     * Sends a command with a fresh tag; returns the exact bytes of its reply, literals included, up to and
     * with the tagged line. The tag is the first thing in the result's last line.
     */
    byte[] rawCommand(String command) throws IOException {
        String tag = nextTag();
        send(tag + " " + command + "\r\n");
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed before the reply to " + tag);
            }
            reply.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (line.startsWith(tag + " ")) {
                return reply.toByteArray();
            }
            if (line.endsWith("}") && line.lastIndexOf('{') >= 0) {
                int size = Integer.parseInt(line.substring(line.lastIndexOf('{') + 1, line.length() - 1));
                reply.writeBytes(in.readNBytes(size));
            }
        }
    }

    /** Logs in with LOGIN; fails the test unless it succeeds. */
    void login(TestUsers.Account account) throws IOException {
        String reply = status("LOGIN \"" + account.address() + "\" \"" + account.password() + "\"");
        if (!reply.contains(" OK ")) {
            throw new IllegalStateException("login failed: " + reply);
        }
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** One line without its CRLF; null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    /** Reads lines until one starts with {@code prefix} (or the stream ends); returns them all. */
    List<String> readUntil(String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = readLine(); line != null; line = readLine()) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                break;
            }
        }
        return lines;
    }

    /** True if the server closes the connection (within the read timeout), whatever it sends first. */
    boolean closedByServer() throws IOException {
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // drain what the server said before closing
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** True if nothing arrives (and the connection stays open) for {@code period}; consumes a byte otherwise. */
    boolean silentFor(Duration period) throws IOException {
        socket.setSoTimeout((int) period.toMillis());
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException quiet) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /** Sends STARTTLS and, on OK, upgrades the connection; returns the tagged reply. */
    String startTls() throws IOException {
        String reply = status("STARTTLS");
        if (reply.contains(" OK")) {
            SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            tls.startHandshake();
            attach(tls);
        }
        return reply;
    }

    static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
