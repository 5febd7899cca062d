package org.postline.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The "remote" mail server of the fault tests: a loopback SMTP server that takes every message and records
 * it once it has answered 250 to the end of DATA. A message whose 250 is lost (the sender died first) is
 * recorded anyway, exactly like a real remote server would keep it.
 */
final class SmtpSink implements AutoCloseable {

    /** A message the sink accepted. */
    record Received(String mailFrom, List<String> rcptTo, String data) {
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    final List<Received> received = new CopyOnWriteArrayList<>();

    SmtpSink() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                clients.add(socket);
                Thread handler = new Thread(() -> serve(socket), "smtp-sink-session");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 sink.test ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO", "HELO" -> reply(out, "250 sink.test");
                    case "MAIL" -> {
                        from = line;
                        rcpts = new ArrayList<>();
                        reply(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        rcpts.add(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>')));
                        reply(out, "250 2.1.5 ok");
                    }
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        StringBuilder data = new StringBuilder();
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            data.append(line).append("\r\n");
                        }
                        if (line == null) {
                            return; // the sender went away mid-message: nothing accepted
                        }
                        received.add(new Received(from, List.copyOf(rcpts), data.toString()));
                        reply(out, "250 2.0.0 queued");
                    }
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not here");
                }
            }
        } catch (SocketException e) {
            // The peer was killed or the sink closed.
        } catch (IOException e) {
            // Same: a test peer that went away.
        } finally {
            clients.remove(socket);
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
        acceptor.join(5_000);
    }
}
