package org.postline.mailets.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * One header field as it stands in the message: its byte span [start, end), line break included, its name and
 * its value unfolded (raw bytes read as ISO-8859-1, so nothing is lost).
 */
public record HeaderField(int start, int end, String name, String rawValue) {

    public boolean named(String other) {
        return name.equalsIgnoreCase(other);
    }

    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The value as a reader sees it: raw UTF-8 bytes read as UTF-8, RFC 2047 encoded words decoded. */
    public String decodedValue() {
        return DecoderUtil.decodeEncodedWords(asUtf8IfValid(rawValue).trim(), DecodeMonitor.SILENT);
    }

    /** Text whose chars are bytes (ISO-8859-1) read again as UTF-8 when they form valid UTF-8. */
    static String asUtf8IfValid(String latin1) {
        byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
        if (!SevenBitConverter.has8Bit(bytes)) {
            return latin1;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }
}
