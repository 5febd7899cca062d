package org.postline.mailets.mime;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.MimeParameterMapping;

/**
 * What an entity's Content-* fields say: type (lower case, RFC 2045 defaults), its parameters, transfer
 * encoding, disposition and file name (from Content-Disposition filename or Content-Type name, RFC 2231 and
 * RFC 2047 decoded).
 */
public record ContentInfo(String mimeType, Map<String, String> typeParameters, String transferEncoding,
                          Optional<String> disposition, Optional<String> fileName) {

    static ContentInfo of(List<HeaderField> fields, boolean inDigest) {
        String defaultType = inDigest ? "message/rfc822" : "text/plain";
        Optional<RawBody> type = first(fields, "Content-Type").map(ContentInfo::parse);
        Optional<RawBody> disposition = first(fields, "Content-Disposition").map(ContentInfo::parse);
        String mimeType = type.map(RawBody::getValue).map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> v.indexOf('/') > 0).orElse(defaultType);
        Map<String, String> typeParameters = type.map(ContentInfo::parameters).orElse(Map.of());
        Map<String, String> dispositionParameters = disposition.map(ContentInfo::parameters).orElse(Map.of());
        String encoding = first(fields, "Content-Transfer-Encoding")
                .map(f -> f.rawValue().trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).orElse("7bit");
        Optional<String> fileName = Optional.ofNullable(dispositionParameters.get("filename"))
                .or(() -> Optional.ofNullable(typeParameters.get("name")))
                .map(n -> DecoderUtil.decodeEncodedWords(HeaderField.asUtf8IfValid(n), DecodeMonitor.SILENT).trim())
                .filter(n -> !n.isEmpty());
        return new ContentInfo(mimeType, typeParameters, encoding,
                disposition.map(d -> d.getValue().trim().toLowerCase(Locale.ROOT)), fileName);
    }

    public boolean isMultipart() {
        return mimeType.startsWith("multipart/");
    }

    public boolean isMessage() {
        return mimeType.equals("message/rfc822") || mimeType.equals("message/global");
    }

    public boolean isText() {
        return mimeType.startsWith("text/");
    }

    /** An attachment: a disposition of "attachment", or a file name. */
    public boolean isAttachment() {
        return disposition.filter("attachment"::equals).isPresent() || fileName.isPresent();
    }

    public Optional<String> charset() {
        return Optional.ofNullable(typeParameters.get("charset")).map(String::trim).filter(c -> !c.isEmpty());
    }

    private static Optional<HeaderField> first(List<HeaderField> fields, String name) {
        return fields.stream().filter(f -> f.named(name)).findFirst();
    }

    private static RawBody parse(HeaderField field) {
        byte[] bytes = field.rawValue().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ByteArrayBuffer buffer = new ByteArrayBuffer(bytes, true);
        return RawFieldParser.DEFAULT.parseRawBody(buffer, new ParserCursor(0, bytes.length));
    }

    /** Parameters by lower-case name, RFC 2231 continuations and charsets resolved by mime4j. */
    private static Map<String, String> parameters(RawBody body) {
        Map<String, String> plain = new java.util.HashMap<>();
        MimeParameterMapping mapping = new MimeParameterMapping();
        for (NameValuePair pair : body.getParams()) {
            if (pair.getName() != null && pair.getValue() != null) {
                String name = pair.getName().toLowerCase(Locale.ROOT);
                plain.putIfAbsent(name, pair.getValue());
                mapping.addParameter(name, pair.getValue());
            }
        }
        Map<String, String> resolved = new java.util.HashMap<>(plain);
        try {
            mapping.getParameters().forEach((name, value) -> {
                if (name != null && value != null) {
                    resolved.put(name.toLowerCase(Locale.ROOT), value);
                }
            });
        } catch (RuntimeException e) {
            // a broken RFC 2231 parameter (unknown charset, bad continuation): the plain values stand
        }
        return Map.copyOf(resolved);
    }
}
