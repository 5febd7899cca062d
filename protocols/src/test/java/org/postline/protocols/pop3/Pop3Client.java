package org.postline.protocols.pop3;

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
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw POP3 client for tests: exact bytes out, status lines and multi-line bodies in, STLS. */
final class Pop3Client implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final byte[] END_OF_BODY = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    final String greeting;

    private Pop3Client(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = readLine();
    }

    static Pop3Client connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        return new Pop3Client(socket);
    }

    /** Connects with implicit TLS, trusting any certificate. */
    static Pop3Client connectTls(InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.startHandshake();
        return new Pop3Client(socket);
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

    /** Sends one command and returns the status line. */
    String send(String command) throws IOException {
        write(command + "\r\n");
        return readLine();
    }

    /** Sends a command with a multi-line answer; returns the status line then the body lines, unstuffed. */
    List<String> sendMulti(String command) throws IOException {
        write(command + "\r\n");
        List<String> lines = new ArrayList<>();
        String status = readLine();
        lines.add(status);
        if (!status.startsWith("+OK")) {
            return lines;
        }
        while (true) {
            String line = readLine();
            if (line.equals(".")) {
                return lines;
            }
            lines.add(line.startsWith(".") ? line.substring(1) : line);
        }
    }

    /** Sends RETR or TOP and returns the body exactly as sent on the wire (still dot-stuffed, without ".\r\n"). */
    byte[] sendForRawBody(String command) throws IOException {
        write(command + "\r\n");
        String status = readLine();
        if (!status.startsWith("+OK")) {
            throw new IOException("refused: " + status);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the middle of a body");
            }
            line.write(b);
            if (b == '\n') {
                byte[] complete = line.toByteArray();
                if (Arrays.equals(complete, END_OF_BODY)) {
                    return body.toByteArray();
                }
                body.write(complete);
                line.reset();
            }
        }
    }

    void login(String user, String password) throws IOException {
        String userReply = send("USER " + user);
        String passReply = send("PASS " + password);
        if (!userReply.startsWith("+OK") || !passReply.startsWith("+OK")) {
            throw new IOException("login failed: " + userReply + " / " + passReply);
        }
    }

    void write(String raw) throws IOException {
        writeBytes(raw.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Exactly {@code count} bytes as they come. */
    byte[] readBytes(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        if (bytes.length < count) {
            throw new IOException("connection closed by server after " + bytes.length + " of " + count + " bytes");
        }
        return bytes;
    }

    /** One line without its CRLF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by server after: " + line.toString(StandardCharsets.UTF_8));
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }

    /** Sends STLS and, on +OK, performs the handshake. */
    String stls() throws IOException {
        String reply = send("STLS");
        if (!reply.startsWith("+OK")) {
            return reply;
        }
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory()
                .createSocket(socket, remote.getHostString(), remote.getPort(), true);
        tls.setUseClientMode(true);
        tls.setSoTimeout(TIMEOUT_MILLIS);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        return reply;
    }

    /** True if nothing at all arrives for {@code quiet} (the connection stays open and silent). */
    boolean silentFor(Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        try {
            int b = in.read();
            if (b >= 0) {
                throw new IOException("unexpected byte " + b);
            }
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /** True if the server closes the connection (EOF or reset) before the timeout, ignoring any bytes before. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
