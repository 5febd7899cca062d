package org.postline.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal SMTP client on a raw socket: one transaction at a time, no pipelining, as most MTAs send. */
public final class SmtpClient implements AutoCloseable {

    private final Socket socket;
    private final LineInput in;
    private final OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new LineInput(socket.getInputStream(), "SMTP " + socket.getRemoteSocketAddress());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    /** Connects, reads the greeting and says EHLO. */
    public static SmtpClient open(String host, int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        SmtpClient client = new SmtpClient(socket);
        try {
            client.expect(client.reply(), 220, "greeting");
            client.command("EHLO bench.invalid");
            client.expect(client.reply(), 250, "EHLO");
        } catch (IOException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * One transaction. Returns the reply code to the end of data (250 accepted, 4xx deferred); an unexpected
     * reply before DATA is returned too, after RSET.
     */
    public int send(String from, String to, byte[] message) throws IOException {
        command("MAIL FROM:<" + from + ">");
        int code = reply();
        if (code != 250) {
            return reset(code);
        }
        command("RCPT TO:<" + to + ">");
        code = reply();
        if (code != 250) {
            return reset(code);
        }
        command("DATA");
        code = reply();
        if (code != 354) {
            return reset(code);
        }
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    private int reset(int code) throws IOException {
        command("RSET");
        reply();
        return code;
    }

    public void quit() throws IOException {
        command("QUIT");
        reply();
    }

    private void command(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    /** Reads a reply, multi-line included, and returns its code. */
    private int reply() throws IOException {
        while (true) {
            String line = in.read();
            if (line.length() < 3) {
                throw new IOException("malformed SMTP reply: " + line);
            }
            if (line.length() == 3 || line.charAt(3) != '-') {
                return Integer.parseInt(line.substring(0, 3));
            }
        }
    }

    private void expect(int code, int wanted, String what) throws IOException {
        if (code != wanted) {
            throw new IOException(what + ": expected " + wanted + ", got " + code);
        }
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
