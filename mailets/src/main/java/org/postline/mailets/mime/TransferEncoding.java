package org.postline.mailets.mime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.Base64OutputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;

/** Body decoding and encoding by Content-Transfer-Encoding, on mime4j's codecs (lenient when decoding). */
public final class TransferEncoding {

    private TransferEncoding() {
    }

    /** The decoded body of a leaf entity; unknown encodings are taken as they are. */
    public static byte[] decode(MimeEntity entity) {
        byte[] body = entity.body();
        try {
            return switch (entity.content().transferEncoding()) {
                case "base64" -> readAll(new Base64InputStream(new ByteArrayInputStream(body), DecodeMonitor.SILENT));
                case "quoted-printable" ->
                        readAll(new QuotedPrintableInputStream(new ByteArrayInputStream(body), DecodeMonitor.SILENT));
                default -> body;
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a body for the given transfer encoding. Quoted-printable keeps line breaks as line breaks when
     * {@code text}, else encodes them; base64 lines are 76 characters, CRLF-terminated.
     */
    public static byte[] encode(byte[] data, String encoding, boolean text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 2 + 16);
        try {
            switch (encoding) {
                case "base64" -> {
                    try (OutputStream b64 = new Base64OutputStream(out)) {
                        b64.write(data);
                    }
                }
                case "quoted-printable" -> {
                    try (OutputStream qp = new QuotedPrintableOutputStream(out, !text)) {
                        qp.write(data);
                    }
                }
                default -> out.writeBytes(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Mostly ASCII (at most half the bytes outside printable ASCII and CR/LF/TAB) suits quoted-printable, which
     * keeps such text readable; the rest is smaller and safer in base64.
     */
    public static String sevenBitEncodingFor(byte[] data) {
        long unusual = 0;
        for (byte b : data) {
            if (b < 0 || b == 0 || b == 0x7f || b < 0x20 && b != '\r' && b != '\n' && b != '\t') {
                unusual++;
            }
        }
        return unusual * 2 <= data.length ? "quoted-printable" : "base64";
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
