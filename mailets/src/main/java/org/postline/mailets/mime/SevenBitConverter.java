package org.postline.mailets.mime;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Makes an 8-bit message fit for a server without 8BITMIME (RFC 6152): each leaf part holding 8-bit data is
 * re-encoded, as quoted-printable when it is mostly ASCII and base64 otherwise; multiparts and attached
 * messages that declared 8bit/binary are relabelled 7bit once their insides are converted; raw UTF-8 in
 * unstructured header fields (Subject, X-..., any field not known to be structured) and in the display names
 * and comments of address fields becomes RFC 2047 encoded words. Everything else keeps its bytes.
 * Used by the ConvertTo7Bit mailet and by RemoteDelivery.
 */
public final class SevenBitConverter {

    /** Fields whose display names and comments may hold encoded words (RFC 2047 section 5 (3)). */
    private static final Set<String> ADDRESS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "disposition-notification-to");
    /** Structured fields with no place for an encoded word that a rewrite could safely use: left alone. */
    private static final Set<String> STRUCTURED = Set.of("date", "resent-date", "message-id", "resent-message-id",
            "in-reply-to", "references", "received", "return-path", "mime-version", "content-type",
            "content-transfer-encoding", "content-id", "content-disposition", "content-language",
            "content-location", "content-md5", "dkim-signature", "domainkey-signature", "arc-seal",
            "arc-message-signature", "arc-authentication-results", "authentication-results", "received-spf",
            "keywords", "list-id", "list-unsubscribe", "list-unsubscribe-post", "list-post", "list-help",
            "list-subscribe", "list-owner", "list-archive");

    private final MimeLimits limits;

    public SevenBitConverter(MimeLimits limits) {
        this.limits = limits;
    }

    /** True if any byte has the high bit set. */
    public static boolean has8Bit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** The message with its 8-bit parts re-encoded; the input itself if nothing needed it. */
    public byte[] convert(byte[] message) throws MalformedMimeException {
        if (!has8Bit(message) && !declares8Bit(message)) {
            return message;
        }
        return convert(MimeTree.parse(message, limits));
    }

    /** The parsed message converted; its source itself if nothing needed it. */
    public byte[] convert(MimeEntity message) {
        MimeEdits edits = new MimeEdits(message.source());
        convert(message, edits, MimeTree.lineBreak(message.source()));
        return edits.apply();
    }

    private static boolean declares8Bit(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        return text.contains("8bit") || text.contains("binary");
    }

    private void convert(MimeEntity entity, MimeEdits edits, byte[] lineBreak) {
        encodeHeaders(entity, edits, lineBreak);
        ContentInfo content = entity.content();
        String encoding = content.transferEncoding();
        if (content.isMultipart() || !entity.children().isEmpty()) {
            for (MimeEntity child : entity.children()) {
                convert(child, edits, lineBreak);
            }
            if (encoding.equals("8bit") || encoding.equals("binary")) {
                setEncoding(edits, entity, "7bit", lineBreak);
            }
            return;
        }
        if (encoding.equals("base64") || encoding.equals("quoted-printable")) {
            return;
        }
        byte[] body = entity.body();
        if (!has8Bit(body)) {
            if (encoding.equals("8bit") || encoding.equals("binary")) {
                setEncoding(edits, entity, "7bit", lineBreak);
            }
            return;
        }
        String newEncoding = TransferEncoding.sevenBitEncodingFor(body);
        boolean text = content.isText() && newEncoding.equals("quoted-printable");
        edits.replace(entity.bodyStart(), entity.end(), TransferEncoding.encode(body, newEncoding, text));
        setEncoding(edits, entity, newEncoding, lineBreak);
    }

    private static void setEncoding(MimeEdits edits, MimeEntity entity, String encoding, byte[] lineBreak) {
        Optional<HeaderField> field = entity.field("Content-Transfer-Encoding");
        if (field.isPresent()) {
            edits.replace(field.get().start(), field.get().end(),
                    HeaderLines.field(field.get().name(), encoding, lineBreak));
        } else {
            EditHeaders.appendToHeader(edits, entity, HeaderLines.field("Content-Transfer-Encoding", encoding,
                    lineBreak), lineBreak);
        }
    }

    /**
     * Raw UTF-8 in unstructured fields and in address fields' phrases becomes encoded words; other 8-bit fields
     * (an 8-bit address, a structured field) are left: they have no safe 7-bit form.
     */
    private static void encodeHeaders(MimeEntity entity, MimeEdits edits, byte[] lineBreak) {
        for (HeaderField field : entity.fields()) {
            if (!has8Bit(field.rawValue().getBytes(StandardCharsets.ISO_8859_1))
                    || STRUCTURED.contains(field.lowerName())) {
                continue;
            }
            String value = HeaderField.asUtf8IfValid(field.rawValue()).trim();
            if (ADDRESS.contains(field.lowerName())) {
                AddressPhrases.encode(value).ifPresent(encoded -> edits.replace(field.start(), field.end(),
                        HeaderLines.folded(field.name(), encoded, lineBreak)));
            } else {
                edits.replace(field.start(), field.end(), HeaderLines.field(field.name(), value, lineBreak));
            }
        }
    }
}
