package org.postline.mailets.mime;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One entity of a parsed message, as byte offsets into the message: the header fields occupy
 * [start, headerEnd), the blank line follows, the body is [bodyStart, end). A multipart's children are its
 * body parts; an attached message (message/rfc822 in 7bit/8bit/binary) has the message as its one child.
 */
public record MimeEntity(byte[] source, int start, int headerEnd, int bodyStart, int end, int depth,
                         List<HeaderField> fields, ContentInfo content, List<MimeEntity> children) {

    public byte[] bytes() {
        return Arrays.copyOfRange(source, start, end);
    }

    public byte[] body() {
        return Arrays.copyOfRange(source, bodyStart, end);
    }

    public int bodyLength() {
        return end - bodyStart;
    }

    public Optional<HeaderField> field(String name) {
        return fields.stream().filter(f -> f.named(name)).findFirst();
    }

    /** This entity and all below it, depth first. */
    public Stream<MimeEntity> tree() {
        return Stream.concat(Stream.of(this), children.stream().flatMap(MimeEntity::tree));
    }

    /** A signed or encrypted entity, whose bytes must not change. */
    public boolean isSecured() {
        String type = content.mimeType();
        return type.equals("multipart/signed") || type.equals("multipart/encrypted")
                || type.equals("application/pkcs7-mime") || type.equals("application/x-pkcs7-mime");
    }
}
