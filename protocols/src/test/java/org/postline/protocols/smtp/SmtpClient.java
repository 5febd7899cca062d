package org.postline.protocols.smtp;

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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw SMTP client for tests: writes exact bytes, reads whole (multi-line) replies, upgrades to TLS. */
final class SmtpClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    final String greeting;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = readReply();
    }

    static SmtpClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        return new SmtpClient(socket);
    }

    /** Connects with implicit TLS, trusting any certificate. */
    static SmtpClient connectTls(InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.startHandshake();
        return new SmtpClient(socket);
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

    /** Sends one command line and returns the whole reply. */
    String send(String command) throws IOException {
        write(command + "\r\n");
        return readReply();
    }

    void write(String raw) throws IOException {
        writeBytes(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    void writeBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one reply, all its lines joined with '\n'. */
    String readReply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed by server after: " + reply);
            }
            if (reply.length() > 0) {
                reply.append('\n');
            }
            reply.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }

    /** EHLO and its reply. */
    String ehlo() throws IOException {
        return send("EHLO client.test");
    }

    /** Sends STARTTLS and, on 220, performs the handshake. */
    String startTls() throws IOException {
        String reply = send("STARTTLS");
        if (!reply.startsWith("220")) {
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

    SSLSocket tlsSocket() {
        return (SSLSocket) socket;
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

    /** Sends a whole transaction's DATA part: the text must already end in CRLF. */
    String data(String message) throws IOException {
        String ready = send("DATA");
        if (!ready.startsWith("354")) {
            return ready;
        }
        write(message + ".\r\n");
        return readReply();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
