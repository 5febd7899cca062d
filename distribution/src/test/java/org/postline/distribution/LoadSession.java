package org.postline.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One plain SMTP session on loopback that reports the server's replies instead of judging them. */
final class LoadSession implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LoadSession(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = socket.getOutputStream();
        reply();
        command("EHLO load.test");
    }

    /** Sends one message; returns the first reply that was not a success, or the reply to the end of DATA. */
    String send(String to, String subject) throws IOException {
        String reply = command("MAIL FROM:<load@sender.test>");
        if (!reply.startsWith("250")) {
            return reply;
        }
        reply = command("RCPT TO:<" + to + ">");
        if (!reply.startsWith("250")) {
            command("RSET");
            return reply;
        }
        reply = command("DATA");
        if (!reply.startsWith("354")) {
            command("RSET");
            return reply;
        }
        return command("Subject: " + subject + "\r\n\r\n" + "body text\r\n".repeat(20) + ".");
    }

    String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    private String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by the server");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
