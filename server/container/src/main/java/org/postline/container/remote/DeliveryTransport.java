package org.postline.container.remote;

import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;

/**
 * javax.mail's SMTP client, driven one command at a time so that every recipient gets its own reply.
 * SMTPTransport does the connection: greeting, EHLO with HELO fallback, STARTTLS, AUTH; this class then runs
 * MAIL, RCPT (pipelined when offered) and DATA itself.
 */
final class DeliveryTransport extends SMTPTransport {

    /** An SMTP reply: its code (-1 when the connection ended) and its text, lines joined by spaces. */
    record Reply(int code, String text) {
        boolean positive() {
            return code >= 200 && code < 300;
        }

        boolean transientFailure() {
            return code >= 400 && code < 500;
        }

        boolean permanentFailure() {
            return code >= 500 && code < 600;
        }

        /** The connection cannot go on: it ended, or the server is closing it (421). */
        boolean connectionLost() {
            return code < 200 || code >= 600 || code == 421;
        }
    }

    private final String authUser;
    private final String authPassword;
    private volatile boolean tlsStarted;
    private volatile java.net.Socket socket;

    DeliveryTransport(Session session, Optional<DeliveryConfig.Credentials> credentials, boolean implicitTls) {
        super(session, new URLName("smtp", null, -1, null, null, null));
        this.authUser = credentials.map(DeliveryConfig.Credentials::user).orElse(null);
        this.authPassword = credentials.map(DeliveryConfig.Credentials::password).orElse(null);
        this.tlsStarted = implicitTls;
    }

    /** Uses our credentials whatever the Session or the system user name would suggest. */
    @Override
    protected synchronized boolean protocolConnect(String host, int port, String user, String password)
            throws MessagingException {
        return super.protocolConnect(host, port, authUser, authPassword);
    }

    @Override
    protected synchronized void startTLS() throws MessagingException {
        super.startTLS();
        tlsStarted = true;
    }

    /** Starts the SMTP session on a connected socket, which {@link #abort} can close from another thread. */
    void open(java.net.Socket connected) throws MessagingException {
        this.socket = connected;
        connect(connected);
    }

    /** Cuts the connection without the lock a blocked command holds (its read then fails at once). */
    void abort() {
        java.net.Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closed either way
            }
        }
    }

    /** Whether the channel is encrypted (STARTTLS done, or TLS from the start). */
    boolean tls() {
        return tlsStarted;
    }

    synchronized Reply command(String line) throws MessagingException {
        simpleCommand(line);
        return lastReply();
    }

    /** Sends all commands, then reads all replies (RFC 2920); without PIPELINING one at a time. */
    synchronized List<Reply> commands(List<String> lines, boolean pipelining) throws MessagingException {
        List<Reply> replies = new ArrayList<>();
        if (pipelining) {
            for (String line : lines) {
                sendCommand(line);
            }
            for (int i = 0; i < lines.size(); i++) {
                readServerResponse();
                Reply reply = lastReply();
                replies.add(reply);
                if (reply.code() < 0) {
                    break;
                }
            }
            return replies;
        }
        for (String line : lines) {
            Reply reply = command(line);
            replies.add(reply);
            if (!reply.positive() && replies.size() == 1) {
                break; // MAIL refused: no RCPT
            }
            if (reply.connectionLost()) {
                break;
            }
        }
        return replies;
    }

    /** DATA, the content (dot-stuffed, CRLF lines), the final dot; the reply to DATA or to the dot. */
    synchronized Reply data(byte[] content) throws MessagingException {
        OutputStream out;
        try {
            out = data();
        } catch (SMTPSendFailedException e) {
            return failed(e);
        }
        try {
            out.write(content);
            finishData();
        } catch (SMTPSendFailedException e) {
            return failed(e);
        } catch (IOException e) {
            throw new MessagingException("connection lost while sending the message: " + e.getMessage(), e);
        }
        return lastReply();
    }

    private Reply failed(SMTPSendFailedException e) throws MessagingException {
        if (e.getReturnCode() <= 0) {
            throw new MessagingException("connection lost: " + e.getMessage(), e);
        }
        return new Reply(e.getReturnCode(), clean(e.getMessage()));
    }

    private Reply lastReply() {
        return new Reply(getLastReturnCode(), clean(getLastServerResponse()));
    }

    /** One line of printable ASCII, for logs and delivery reports. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 1000));
        boolean space = false;
        for (int i = 0; i < text.length() && out.length() < 1000; i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == '\t' || c == ' ') {
                space = out.length() > 0;
            } else if (c >= 0x21 && c < 0x7f) {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
