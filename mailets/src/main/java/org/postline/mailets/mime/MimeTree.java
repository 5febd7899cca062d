package org.postline.mailets.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Takes a message apart into {@link MimeEntity} byte spans, so an edit can replace exactly the bytes it changes
 * and every other byte (headers, boundaries, preambles, untouched parts) stays as it came. mime4j's stream parser
 * first checks the message against the limits (header count and length through its MimeConfig, depth and part
 * count as it goes); the spans are then found by the same rules (RFC 2046 delimiter lines).
 */
public final class MimeTree {

    private static final Set<String> UNENCODED = Set.of("7bit", "8bit", "binary");

    private final byte[] source;
    private final MimeLimits limits;
    private int parts;

    private MimeTree(byte[] source, MimeLimits limits) {
        this.source = source;
        this.limits = limits;
    }

    public static MimeEntity parse(byte[] message, MimeLimits limits) throws MalformedMimeException {
        checkWithMime4j(message, limits);
        return new MimeTree(message, limits).entity(0, message.length, 0, false);
    }

    /** CRLF if the message's first line ends so (or it has no line break), else LF. */
    public static byte[] lineBreak(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') {
                return i > 0 && message[i - 1] == '\r' ? new byte[] {'\r', '\n'} : new byte[] {'\n'};
            }
        }
        return new byte[] {'\r', '\n'};
    }

    /** Where the body starts: after the first blank line, or the end if there is none. */
    public static int bodyOffset(byte[] message) {
        int line = 0;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') {
                int length = i + 1 - line;
                if (length == 1 || length == 2 && message[line] == '\r') {
                    return i + 1;
                }
                line = i + 1;
            }
        }
        return message.length;
    }

    private static void checkWithMime4j(byte[] message, MimeLimits limits) throws MalformedMimeException {
        MimeTokenStream stream = new MimeTokenStream(limits.mimeConfig());
        stream.setRecursionMode(RecursionMode.M_RECURSE);
        stream.parse(new ByteArrayInputStream(message));
        int open = 0;
        int count = 0;
        try {
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                switch (state) {
                    case T_START_MESSAGE, T_START_BODYPART -> {
                        if (++open > limits.maxDepth() + 1) {
                            throw new MalformedMimeException("nested deeper than " + limits.maxDepth() + " levels");
                        }
                        if (++count > limits.maxParts()) {
                            throw new MalformedMimeException("more than " + limits.maxParts() + " parts");
                        }
                    }
                    case T_END_MESSAGE, T_END_BODYPART -> open--;
                    default -> {
                        // headers, preambles and bodies are checked by the MimeConfig limits
                    }
                }
            }
        } catch (MimeException | IOException e) {
            throw new MalformedMimeException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } finally {
            stream.stop();
        }
    }

    private MimeEntity entity(int start, int end, int depth, boolean inDigest) throws MalformedMimeException {
        if (depth > limits.maxDepth()) {
            throw new MalformedMimeException("nested deeper than " + limits.maxDepth() + " levels");
        }
        if (++parts > limits.maxParts()) {
            throw new MalformedMimeException("more than " + limits.maxParts() + " parts");
        }
        List<int[]> spans = new ArrayList<>();
        int headerEnd = end;
        int bodyStart = end;
        int pos = start;
        while (pos < end) {
            int next = nextLine(pos, end);
            if (isBlank(pos, next)) {
                headerEnd = pos;
                bodyStart = next;
                break;
            }
            boolean continuation = (source[pos] == ' ' || source[pos] == '\t') && !spans.isEmpty();
            if (continuation) {
                spans.get(spans.size() - 1)[1] = next;
            } else {
                if (spans.size() >= limits.maxHeaderCount()) {
                    throw new MalformedMimeException("more than " + limits.maxHeaderCount() + " header fields");
                }
                spans.add(new int[] {pos, next});
            }
            if (next - spans.get(spans.size() - 1)[0] > limits.maxHeaderLength()) {
                throw new MalformedMimeException("a header field longer than " + limits.maxHeaderLength() + " bytes");
            }
            pos = next;
        }
        List<HeaderField> fields = new ArrayList<>(spans.size());
        for (int[] span : spans) {
            fields.add(field(span[0], span[1]));
        }
        ContentInfo content = ContentInfo.of(fields, inDigest);
        List<MimeEntity> children = new ArrayList<>();
        if (content.isMultipart()) {
            String boundary = content.typeParameters().getOrDefault("boundary", "");
            if (boundary.isEmpty() || boundary.length() > 200) {
                throw new MalformedMimeException(content.mimeType() + " without a usable boundary parameter");
            }
            boolean digest = content.mimeType().equals("multipart/digest");
            for (int[] part : bodyParts(boundary, bodyStart, end)) {
                children.add(entity(part[0], part[1], depth + 1, digest));
            }
        } else if (content.isMessage() && UNENCODED.contains(content.transferEncoding()) && bodyStart < end) {
            children.add(entity(bodyStart, end, depth + 1, false));
        }
        return new MimeEntity(source, start, headerEnd, bodyStart, end, depth, List.copyOf(fields), content,
                List.copyOf(children));
    }

    private HeaderField field(int start, int end) {
        int colon = start;
        while (colon < end && source[colon] != ':') {
            colon++;
        }
        String name = colon < end ? latin1(start, colon).trim() : "";
        int valueStart = colon < end ? colon + 1 : start;
        StringBuilder value = new StringBuilder(end - valueStart);
        for (int i = valueStart; i < end; i++) {
            byte b = source[i];
            if (b != '\r' && b != '\n') {
                value.append((char) (b & 0xff));
            }
        }
        return new HeaderField(start, end, name, value.toString());
    }

    /** Spans of the body parts between delimiter lines; a missing close delimiter ends the last part at the end. */
    private List<int[]> bodyParts(String boundary, int from, int to) throws MalformedMimeException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> result = new ArrayList<>();
        int partStart = -1;
        boolean found = false;
        int pos = from;
        while (pos < to) {
            int next = nextLine(pos, to);
            if (startsWith(pos, next, delimiter)) {
                int after = pos + delimiter.length;
                boolean close = after + 1 < next && source[after] == '-' && source[after + 1] == '-';
                if (onlyWhitespace(close ? after + 2 : after, next)) {
                    found = true;
                    if (partStart >= 0) {
                        result.add(new int[] {partStart, endBefore(pos, partStart)});
                        if (result.size() > limits.maxParts()) {
                            throw new MalformedMimeException("more than " + limits.maxParts() + " parts");
                        }
                    }
                    if (close) {
                        return result;
                    }
                    partStart = next;
                }
            }
            pos = next;
        }
        if (!found) {
            throw new MalformedMimeException("multipart boundary \"" + boundary + "\" never occurs");
        }
        if (partStart >= 0) {
            result.add(new int[] {partStart, to});
        }
        return result;
    }

    /** A part ends before the line break that precedes the next delimiter line. */
    private int endBefore(int delimiterLine, int partStart) {
        int end = delimiterLine;
        if (end > partStart && source[end - 1] == '\n') {
            end--;
            if (end > partStart && source[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private int nextLine(int pos, int end) {
        for (int i = pos; i < end; i++) {
            if (source[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    private boolean isBlank(int pos, int next) {
        int length = next - pos;
        return length == 1 && source[pos] == '\n' || length == 2 && source[pos] == '\r' && source[pos + 1] == '\n';
    }

    private boolean startsWith(int pos, int next, byte[] prefix) {
        if (next - pos < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (source[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean onlyWhitespace(int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = source[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private String latin1(int from, int to) {
        return new String(source, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
