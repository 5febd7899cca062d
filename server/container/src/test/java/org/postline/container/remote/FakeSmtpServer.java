package org.postline.container.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP server on a loopback address for delivery tests: it advertises the extensions it is told
 * to, answers MAIL, RCPT and the end of DATA as scripted, can require STARTTLS or AUTH, or accept connections
 * and never answer. Every finished transaction is recorded.
 */
final class FakeSmtpServer implements AutoCloseable {

    /** One transaction the server took to the end of DATA (whatever it answered). */
    record Transaction(String helo, boolean ehlo, boolean tls, String authUser, String mailFrom, List<String> rcptTo,
                       byte[] data, String reply) {
        String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final List<Thread> handlers = new CopyOnWriteArrayList<>();
    final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();

    volatile List<String> extensions = List.of("PIPELINING", "8BITMIME", "SIZE 10000000");
    volatile boolean rejectEhlo;
    volatile boolean silent;
    /** Takes the whole message, then never answers the end of DATA: a peer that hangs mid-transaction. */
    volatile boolean stallAfterData;
    volatile SSLContext tls;
    volatile String authUser;
    volatile String authPassword;
    volatile Function<String, String> mailReply = from -> "250 2.1.0 ok";
    volatile Function<String, String> rcptReply = to -> "250 2.1.5 ok";
    private final Deque<String> dataReplies = new ArrayDeque<>();

    FakeSmtpServer(InetAddress address, int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(false);
        server.bind(new InetSocketAddress(address, port));
        acceptor = new Thread(this::accept, "fake-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FakeSmtpServer onLoopback() throws IOException {
        return new FakeSmtpServer(InetAddress.getByName("127.0.0.1"), 0);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The replies to the next ends of DATA, in order; afterwards "250 2.0.0 queued". */
    synchronized FakeSmtpServer replyToData(String... replies) {
        dataReplies.addAll(List.of(replies));
        return this;
    }

    private synchronized String nextDataReply() {
        return dataReplies.isEmpty() ? "250 2.0.0 queued" : dataReplies.poll();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                clients.add(client);
                Thread handler = new Thread(() -> serve(client), "fake-smtp-session");
                handler.setDaemon(true);
                handlers.add(handler);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        open.incrementAndGet();
        try {
            if (silent) {
                socket.getInputStream().read(); // hold the connection open, say nothing
                return;
            }
            new Session(socket).run();
        } catch (IOException e) {
            // the client went away
        } finally {
            open.decrementAndGet();
            clients.remove(socket);
            try {
                socket.close();
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** One SMTP session. */
    private final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private String helo = "";
        private boolean ehlo;
        private boolean secured;
        private String authenticated;
        private String mailFrom;
        private final List<String> rcpts = new ArrayList<>();

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply("220 fake.test ESMTP");
            String line;
            while ((line = readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    if (rejectEhlo) {
                        reply("502 5.5.2 no EHLO here");
                        continue;
                    }
                    helo = line.substring(4).trim();
                    ehlo = true;
                    List<String> lines = new ArrayList<>();
                    lines.add("fake.test");
                    for (String extension : extensions) {
                        if (extension.equals("STARTTLS") && secured) {
                            continue;
                        }
                        lines.add(extension);
                    }
                    for (int i = 0; i < lines.size(); i++) {
                        reply("250" + (i + 1 < lines.size() ? "-" : " ") + lines.get(i));
                    }
                } else if (upper.startsWith("HELO")) {
                    helo = line.substring(4).trim();
                    reply("250 fake.test");
                } else if (upper.equals("STARTTLS") && tls != null && !secured) {
                    reply("220 2.0.0 go ahead");
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                            socket.getInetAddress().getHostAddress(), socket.getPort(), true);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    socket = ssl;
                    in = ssl.getInputStream();
                    out = ssl.getOutputStream();
                    secured = true;
                    mailFrom = null;
                    rcpts.clear();
                } else if (upper.startsWith("AUTH ")) {
                    auth(line.substring(5).trim());
                } else if (upper.startsWith("MAIL FROM:")) {
                    if (authUser != null && authenticated == null) {
                        reply("530 5.7.0 authentication required");
                        continue;
                    }
                    String answer = mailReply.apply(line.substring(10).trim());
                    if (answer.startsWith("2")) {
                        mailFrom = line.substring(10).trim();
                        rcpts.clear();
                    }
                    reply(answer);
                } else if (upper.startsWith("RCPT TO:")) {
                    if (mailFrom == null) {
                        reply("503 5.5.1 MAIL first");
                        continue;
                    }
                    String to = line.substring(8).trim();
                    String address = to.substring(to.indexOf('<') + 1, to.indexOf('>'));
                    String answer = rcptReply.apply(address);
                    if (answer.startsWith("2")) {
                        rcpts.add(address);
                    }
                    reply(answer);
                } else if (upper.equals("DATA")) {
                    if (rcpts.isEmpty()) {
                        reply("554 5.5.1 no valid recipients");
                        continue;
                    }
                    reply("354 go ahead");
                    byte[] data = readData();
                    if (stallAfterData) {
                        in.read(); // hold the connection, never answer
                        return;
                    }
                    String answer = nextDataReply();
                    transactions.add(new Transaction(helo, ehlo, secured, authenticated, mailFrom, List.copyOf(rcpts),
                            data, answer));
                    mailFrom = null;
                    rcpts.clear();
                    reply(answer);
                } else if (upper.equals("RSET")) {
                    mailFrom = null;
                    rcpts.clear();
                    reply("250 2.0.0 reset");
                } else if (upper.equals("NOOP")) {
                    reply("250 2.0.0 ok");
                } else if (upper.equals("QUIT")) {
                    reply("221 2.0.0 bye");
                    return;
                } else {
                    reply("500 5.5.1 unknown command");
                }
            }
        }

        private void auth(String arguments) throws IOException {
            String[] parts = arguments.split(" ");
            String user;
            String password;
            if (parts[0].equalsIgnoreCase("PLAIN")) {
                String encoded = parts.length > 1 ? parts[1] : challenge("");
                String[] fields = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).split("\0");
                user = fields[1];
                password = fields[2];
            } else if (parts[0].equalsIgnoreCase("LOGIN")) {
                user = decode(parts.length > 1 ? parts[1] : challenge("VXNlcm5hbWU6"));
                password = decode(challenge("UGFzc3dvcmQ6"));
            } else {
                reply("504 5.5.4 unknown mechanism");
                return;
            }
            if (user.equals(authUser) && password.equals(authPassword)) {
                authenticated = user;
                reply("235 2.7.0 authenticated");
            } else {
                reply("535 5.7.8 bad credentials");
            }
        }

        private String challenge(String text) throws IOException {
            reply("334 " + text);
            return readLine();
        }

        private String decode(String base64) {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        }

        private byte[] readData() throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            String line;
            while ((line = readLine()) != null && !line.equals(".")) {
                data.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
                data.writeBytes(new byte[] {'\r', '\n'});
            }
            return data.toByteArray();
        }

        /** A line without its CRLF, bytes kept as ISO-8859-1 characters; null at the end of the stream. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                line.write(c);
            }
            return null;
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    void closeQuietly() {
        try {
            close();
        } catch (IOException | InterruptedException e) {
            // a test helper; nothing to do
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
        acceptor.join(2_000);
        for (Thread handler : handlers) {
            handler.join(2_000);
        }
    }
}
