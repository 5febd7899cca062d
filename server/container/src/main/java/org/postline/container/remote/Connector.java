package org.postline.container.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.net.ssl.SSLSocket;

/**
 * Opens SMTP connections: a socket to the chosen address (with the connect and read timeouts), TLS from the
 * start if asked, then SMTPTransport's greeting, EHLO/HELO, STARTTLS and AUTH. A connection that must be
 * encrypted and is not is closed before any mail command.
 */
final class Connector {

    private final DeliveryConfig config;
    private final TlsContexts tls;
    private final Map<Target.Security, Session> sessions = new EnumMap<>(Target.Security.class);

    Connector(DeliveryConfig config) {
        this.config = config;
        this.tls = new TlsContexts(config.trustStore());
        for (Target.Security security : Target.Security.values()) {
            sessions.put(security, Session.getInstance(properties(security)));
        }
    }

    private Properties properties(Target.Security security) {
        Properties p = new Properties();
        p.setProperty("mail.smtp.localhost", config.heloName());
        p.setProperty("mail.smtp.ehlo", "true");
        p.setProperty("mail.smtp.quitwait", "false");
        p.setProperty("mail.smtp.timeout", Long.toString(config.readTimeout().toMillis()));
        p.setProperty("mail.smtp.connectiontimeout", Long.toString(config.connectTimeout().toMillis()));
        boolean gatewayAuth = config.credentials().isPresent();
        p.setProperty("mail.smtp.auth", Boolean.toString(gatewayAuth));
        switch (security) {
            case OPPORTUNISTIC -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.ssl.socketFactory", tls.opportunistic());
            }
            case REQUIRED -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.socketFactory", tls.verified());
            }
            case IMPLICIT, NONE -> p.setProperty("mail.smtp.starttls.enable", "false");
        }
        return p;
    }

    /** @throws MessagingException if the target cannot be reached or refuses the session (say why) */
    DeliveryTransport open(Target target, boolean gateway) throws MessagingException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.address(), target.port()),
                    (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis()));
            if (target.security() == Target.Security.IMPLICIT) {
                SSLSocket ssl = (SSLSocket) tls.verified().createSocket(socket, target.hostName(), target.port(), true);
                ssl.startHandshake();
                socket = ssl;
            }
        } catch (IOException e) {
            closeQuietly(socket);
            throw new MessagingException("cannot connect to " + target.describe() + ": " + describe(e), e);
        }
        DeliveryTransport transport = new DeliveryTransport(sessions.get(target.security()),
                gateway ? config.credentials() : Optional.empty(), target.security() == Target.Security.IMPLICIT);
        try {
            transport.open(socket);
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(socket);
            throw new MessagingException(target.describe() + ": " + describe(e), e);
        }
        if (target.security() == Target.Security.REQUIRED && !transport.tls()) {
            closeQuietly(transport);
            throw new MessagingException(target.describe() + ": TLS is required but was not used");
        }
        return transport;
    }

    static String describe(Throwable e) {
        Throwable t = e;
        StringBuilder out = new StringBuilder();
        while (t != null && out.length() < 500) {
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                if (out.length() > 0) {
                    out.append(": ");
                }
                out.append(t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause() != null ? t.getCause()
                    : t instanceof MessagingException m ? m.getNextException() : null;
        }
        return out.length() == 0 ? e.getClass().getSimpleName() : DeliveryTransport.clean(out.toString());
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    static void closeQuietly(DeliveryTransport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // the connection is gone either way
        }
    }
}
