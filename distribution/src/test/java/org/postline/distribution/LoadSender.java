package org.postline.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One SMTP client of the fault harness: message after message, each on a fresh connection, every one with a
 * unique token header; a message counts as accepted only once its 250 to the end of DATA has been read. A
 * refused connection (the server is down) or a broken session is retried with a new message after a pause.
 */
final class LoadSender implements Runnable {

    static final String TOKEN_HEADER = "X-Fault-Token: ";

    private final String name;
    private final int port;
    private final Random random;
    private final FaultIT.Ledger ledger;
    private final AtomicBoolean running;
    private final Function<Random, List<String>> recipients;

    LoadSender(String name, int port, Random random, FaultIT.Ledger ledger, AtomicBoolean running,
               Function<Random, List<String>> recipients) {
        this.name = name;
        this.port = port;
        this.random = random;
        this.ledger = ledger;
        this.running = running;
        this.recipients = recipients;
    }

    @Override
    public void run() {
        int sequence = 0;
        while (running.get()) {
            String token = name + "-" + sequence++;
            List<String> to = recipients.apply(random);
            ledger.attempted.put(token, to);
            try {
                if (send(token, to)) {
                    ledger.accepted.put(token, to);
                } else {
                    ledger.failedAttempts.incrementAndGet();
                }
            } catch (IOException e) {
                ledger.failedAttempts.incrementAndGet();
                pause(200);
            }
        }
    }

    private boolean send(String token, List<String> to) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            if (!reply(in).startsWith("220") || !command(out, in, "EHLO load.test").startsWith("250")
                    || !command(out, in, "MAIL FROM:<load@sender.test>").startsWith("250")) {
                return false;
            }
            for (String rcpt : to) {
                if (!command(out, in, "RCPT TO:<" + rcpt + ">").startsWith("250")) {
                    return false;
                }
            }
            if (!command(out, in, "DATA").startsWith("354")) {
                return false;
            }
            String body = "Subject: fault " + token + "\r\n" + TOKEN_HEADER + token + "\r\n"
                    + "Message-ID: <" + token + "@load.test>\r\n\r\n" + "line of body text\r\n".repeat(1 + random.nextInt(50))
                    + ".\r\n";
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            boolean accepted = reply(in).startsWith("250");
            command(out, in, "QUIT");
            return accepted;
        }
    }

    /** The token of a message's text, or "?" when it has none. */
    static String token(String data) {
        for (String line : data.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.startsWith(TOKEN_HEADER)) {
                return line.substring(TOKEN_HEADER.length()).trim();
            }
        }
        return "?";
    }

    private static String command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
