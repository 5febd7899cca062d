package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;

/** End to end with a real SMTP client library (javax.mail) over plain text, STARTTLS and implicit TLS. */
class SmtpJavaMailTest {

    @TempDir
    static Path var;

    private SmtpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deliversToALocalUserOverPlainText() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
        Session session = Session.getInstance(properties("smtp"));
        MimeMessage message = message(session, "someone@remote.example", "alice@example.org", "plain");
        Transport.send(message);
        assertStored(message, "ESMTP");
    }

    @Test
    void submitsWithStartTlsAndAuth() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).authRequired().loopbackNotSecure().start();
        Properties properties = properties("smtp");
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.trust", "*");
        properties.put("mail.smtp.auth", "true");
        Session session = Session.getInstance(properties);
        MimeMessage message = message(session, "alice@example.org", "friend@remote.example", "submission");
        Transport.send(message, "alice@example.org", "alice-secret");
        assertStored(message, "ESMTPSA");
        assertThat(server.spool.only().envelope().session().authUser()).contains("alice@example.org");
    }

    @Test
    void submitsOverImplicitTlsWithAuth() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.IMPLICIT).authRequired().start();
        Properties properties = properties("smtps");
        properties.put("mail.smtps.ssl.trust", "*");
        properties.put("mail.smtps.auth", "true");
        Session session = Session.getInstance(properties);
        MimeMessage message = message(session, "bob@example.org", "friend@remote.example", "implicit");
        try (Transport transport = session.getTransport("smtps")) {
            transport.connect("bob", "bob-secret");
            transport.sendMessage(message, message.getAllRecipients());
        }
        assertStored(message, "ESMTPSA");
    }

    @Test
    void refusesWrongPasswordsAndUnauthenticatedRelay() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        Properties properties = properties("smtp");
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.ssl.trust", "*");
        properties.put("mail.smtp.auth", "true");
        Session session = Session.getInstance(properties);
        MimeMessage message = message(session, "alice@example.org", "friend@remote.example", "nope");
        assertThatThrownBy(() -> Transport.send(message, "alice@example.org", "wrong"))
                .isInstanceOf(MessagingException.class);
        Session anonymous = Session.getInstance(properties("smtp"));
        assertThatThrownBy(() -> Transport.send(message(anonymous, "a@remote.example", "friend@remote.example", "x")))
                .isInstanceOf(MessagingException.class)
                .hasStackTraceContaining("550 5.7.1");
        assertThat(server.spool.committed).isEmpty();
    }

    private Properties properties(String protocol) {
        Properties properties = new Properties();
        properties.put("mail." + protocol + ".host", "127.0.0.1");
        properties.put("mail." + protocol + ".port", String.valueOf(server.address().getPort()));
        properties.put("mail." + protocol + ".localhost", "javamail.test");
        properties.put("mail." + protocol + ".connectiontimeout", "10000");
        properties.put("mail." + protocol + ".timeout", "10000");
        return properties;
    }

    private static MimeMessage message(Session session, String from, String to, String subject) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("Hello from javax.mail.\n.\n..starts with dots\n", "UTF-8");
        message.saveChanges();
        return message;
    }

    private void assertStored(MimeMessage message, String with) throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        message.writeTo(sent);
        String stored = server.spool.only().text();
        assertThat(stored).startsWith("Received: from javamail.test ([127.0.0.1])").contains(" with " + with + " id ");
        String afterReceived = stored.substring(stored.indexOf("\r\n", stored.indexOf("\tfor <")) + 2);
        // On the wire javax.mail turns the body's bare LFs into CRLF; writeTo does not.
        String wire = sent.toString(StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        assertThat(afterReceived).isEqualTo(wire);
    }
}
