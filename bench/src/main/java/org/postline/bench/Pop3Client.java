package org.postline.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal POP3 client on a raw socket. */
public final class Pop3Client implements AutoCloseable {

    private final Socket socket;
    private final LineInput in;
    private final OutputStream out;

    private Pop3Client(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new LineInput(socket.getInputStream(), "POP3 " + socket.getRemoteSocketAddress());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 4096);
    }

    /** Connects and logs in with USER/PASS. */
    public static Pop3Client open(String host, int port, String user, String password, int timeoutMillis)
            throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        Pop3Client client = new Pop3Client(socket);
        try {
            client.ok(client.in.read(), "greeting");
            client.ok(client.command("USER " + user), "USER");
            client.ok(client.command("PASS " + password), "PASS");
        } catch (IOException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** The number of messages in the maildrop (STAT). */
    public int stat() throws IOException {
        String reply = command("STAT");
        ok(reply, "STAT");
        return Integer.parseInt(reply.split(" ")[1]);
    }

    /** RETRs one message and returns the bytes of its lines as received (dot-stuffing included). */
    public long retr(int number) throws IOException {
        ok(command("RETR " + number), "RETR");
        long bytes = 0;
        while (true) {
            String line = in.read();
            if (line.equals(".")) {
                return bytes;
            }
            bytes += line.length() + 2;
        }
    }

    public void quit() throws IOException {
        command("QUIT");
    }

    private String command(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.flush();
        return in.read();
    }

    private void ok(String reply, String what) throws IOException {
        if (!reply.startsWith("+OK")) {
            throw new IOException("POP3 " + what + ": " + reply);
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
