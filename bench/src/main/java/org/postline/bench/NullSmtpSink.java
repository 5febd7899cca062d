package org.postline.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An SMTP server that accepts everything and keeps nothing, on loopback: the rate the client reaches against
 * it is the client's own ceiling, which must be well above any server's figure.
 */
final class NullSmtpSink implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "null-sink");
        thread.setDaemon(true);
        return thread;
    });

    private NullSmtpSink(ServerSocket server) {
        this.server = server;
    }

    static NullSmtpSink start() throws IOException {
        NullSmtpSink sink = new NullSmtpSink(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
        sink.threads.execute(sink::accept);
        return sink;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            LineInput in = new LineInput(socket.getInputStream(), "sink client");
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            reply(out, "220 sink");
            boolean data = false;
            while (true) {
                String line = in.read();
                if (data) {
                    if (line.equals(".")) {
                        data = false;
                        reply(out, "250 ok");
                    }
                    continue;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "DATA" -> {
                        data = true;
                        reply(out, "354 go");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 ok");
                }
            }
        } catch (IOException closed) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
