package org.postline.container.remote;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import javax.activation.DataHandler;
import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Session;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimePart;
import javax.mail.util.ByteArrayDataSource;

/**
 * Makes an 8-bit message fit for a server without 8BITMIME (RFC 6152 section 3): every leaf part holding
 * 8-bit data is re-encoded, text as quoted-printable, anything else as base64; a message/rfc822 part is
 * converted inside (it may not be encoded itself). Headers, the Message-ID and parts that are already 7-bit
 * stay as they were.
 */
final class SevenBitConverter {

    private static final Session SESSION = Session.getInstance(new Properties());

    private SevenBitConverter() {
    }

    /** True if any byte has the high bit set. */
    static boolean has8Bit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** The message with its 8-bit parts re-encoded; the input itself if nothing needed it. */
    static byte[] convert(byte[] message) throws MessagingException, IOException {
        KeepIdMessage parsed = new KeepIdMessage(new ByteArrayInputStream(message));
        if (!convertPart(parsed)) {
            return message;
        }
        return parsed.save();
    }

    /** Converts a part in place; true if it changed. */
    private static boolean convertPart(MimePart part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (!(content instanceof Multipart multipart)) {
                return false;
            }
            boolean changed = false;
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                if (child instanceof MimePart mime) {
                    changed |= convertPart(mime);
                }
            }
            if (changed) {
                part.setContent(multipart);
                dropEncodingIfNot7Bit(part);
            }
            return changed;
        }
        if (part.isMimeType("message/rfc822")) {
            if (!has8Bit(raw(part))) {
                return false;
            }
            KeepIdMessage inner = new KeepIdMessage(new ByteArrayInputStream(raw(part)));
            convertPart(inner);
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(inner.save(), "message/rfc822")));
            part.setHeader("Content-Type", "message/rfc822");
            part.setHeader("Content-Transfer-Encoding", "7bit");
            return true;
        }
        String encoding = part.getEncoding() == null ? "7bit" : part.getEncoding().toLowerCase(Locale.ROOT);
        boolean declared8Bit = encoding.equals("8bit") || encoding.equals("binary");
        if (!declared8Bit && !has8Bit(raw(part))) {
            return false;
        }
        byte[] decoded;
        try (InputStream in = part.getInputStream()) {
            decoded = in.readAllBytes();
        }
        String contentType = part.getHeader("Content-Type", null);
        String type = contentType == null ? "text/plain" : contentType;
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(decoded, type)));
        if (contentType != null) {
            part.setHeader("Content-Type", contentType);
        }
        part.setHeader("Content-Transfer-Encoding",
                part.isMimeType("text/*") || contentType == null ? "quoted-printable" : "base64");
        return true;
    }

    /** A multipart may only declare 7bit, 8bit or binary; once converted, 7bit is the truth. */
    private static void dropEncodingIfNot7Bit(MimePart part) throws MessagingException {
        if (part.getHeader("Content-Transfer-Encoding") != null) {
            part.setHeader("Content-Transfer-Encoding", "7bit");
        }
    }

    private static byte[] raw(MimePart part) throws MessagingException, IOException {
        InputStream in = part instanceof MimeBodyPart body ? body.getRawInputStream()
                : ((MimeMessage) part).getRawInputStream();
        try (in) {
            return in.readAllBytes();
        }
    }

    /** A parsed message whose Message-ID survives saveChanges (javax.mail would make a new one). */
    private static final class KeepIdMessage extends MimeMessage {
        KeepIdMessage(InputStream in) throws MessagingException {
            super(SESSION, in);
        }

        /** Saves the changes and writes the message, without the Date header javax.mail would add. */
        byte[] save() throws MessagingException, IOException {
            boolean hadDate = getHeader("Date") != null;
            saveChanges();
            if (!hadDate) {
                removeHeader("Date");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writeTo(out);
            return out.toByteArray();
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                super.updateMessageID();
            }
        }
    }
}
