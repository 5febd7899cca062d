package org.postline.mailets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

/** A message with the awkward bits a byte-exact store must keep: folding, a leading dot, 8-bit text, no final CRLF. */
final class TestMessages {

    static final byte[] SAMPLE = ("Received: from client.remote.net (client.remote.net [192.0.2.7])\r\n"
        + "\tby mx.example.org with ESMTP id 42\r\n"
        + "From: Sender <sender@remote.net>\r\n"
        + "To: team@example.org\r\n"
        + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
        + "Message-ID: <1@remote.net>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "Grüße aus Köln\r\n"
        + ".a line that starts with a dot\r\n"
        + "..and one with two\r\n"
        + "  trailing spaces  \r\n"
        + "no final line break").getBytes(UTF_8);

    private TestMessages() {
    }

    static MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    static byte[] bytes(MimeMessage message) throws MessagingException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("cannot write", e);
        }
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
