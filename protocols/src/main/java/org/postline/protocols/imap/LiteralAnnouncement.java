package org.postline.protocols.imap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.james.imap.api.Tag;

/**
 * A literal announced at the end of a line ({@code {n}}, {@code {n+}}, also after {@code ~}), read from the
 * raw bytes of a command before James's decoder parses them.
 *
 * @param size            the announced size; {@link Long#MAX_VALUE} if it does not fit in a long
 * @param synchronizing   true for {@code {n}} (the client waits for "+"), false for LITERAL+ {@code {n+}}
 * @param lineLength      bytes of the line, line ending included
 * @param tag             the command's tag, if the line starts with a well-formed one
 */
record LiteralAnnouncement(long size, boolean synchronizing, int lineLength, Optional<Tag> tag) {

    /**
     * The shape of the (possibly incomplete) command at the start of a buffer, following the IMAP framing:
     * a line ending in a literal announcement is followed by that many bytes, then the command goes on.
     *
     * @param literals          literals announced so far
     * @param largestLiteral    the largest announced size
     * @param lastSynchronizing the last literal announced is a synchronizing one
     * @param lineTooLong       a line (the text between literals) is longer than allowed
     */
    record CommandShape(int literals, long largestLiteral, boolean lastSynchronizing, boolean lineTooLong) {
    }

    private static final int MAX_TAG_LENGTH = 64;
    private static final int MAX_DIGITS = 18;

    /** The literal announced at the end of the first line in {@code buffer}, if the line is complete and has one. */
    static Optional<LiteralAnnouncement> atEndOfFirstLine(ByteBuf buffer) {
        int start = buffer.readerIndex();
        int lf = buffer.indexOf(start, buffer.writerIndex(), (byte) '\n');
        return lf < 0 ? Optional.empty() : endingLine(buffer, start, lf).map(literal -> new LiteralAnnouncement(
            literal.size(), literal.synchronizing(), lf - start + 1, tag(buffer, start, lf)));
    }

    /**
     * Walks the command at the reader index of {@code buffer} (not consuming it) as far as the buffer goes,
     * stopping early at {@code maxLiterals + 1} literals or a line longer than {@code maxLineLength}.
     */
    static CommandShape shape(ByteBuf buffer, int maxLineLength, int maxLiterals) {
        int position = buffer.readerIndex();
        int end = buffer.writerIndex();
        int literals = 0;
        long largest = 0;
        boolean lastSynchronizing = false;
        while (position < end && literals <= maxLiterals) {
            int lf = buffer.indexOf(position, (int) Math.min(end, (long) position + maxLineLength + 1), (byte) '\n');
            if (lf < 0) {
                return new CommandShape(literals, largest, lastSynchronizing, end - position > maxLineLength);
            }
            Optional<Announced> literal = endingLine(buffer, position, lf);
            if (literal.isEmpty()) {
                break;
            }
            long size = literal.get().size();
            lastSynchronizing = literal.get().synchronizing();
            literals++;
            largest = Math.max(largest, size);
            position = (int) Math.min(end, (long) lf + 1 + size);
        }
        return new CommandShape(literals, largest, lastSynchronizing, false);
    }

    private record Announced(long size, boolean synchronizing) {
    }

    /** The literal announced at the end of the line [start, lf], if any. */
    private static Optional<Announced> endingLine(ByteBuf buffer, int start, int lf) {
        int index = lf - 1;
        if (index >= start && buffer.getByte(index) == '\r') {
            index--;
        }
        if (index < start || buffer.getByte(index) != '}') {
            return Optional.empty();
        }
        index--;
        boolean synchronizing = true;
        if (index >= start && buffer.getByte(index) == '+') {
            synchronizing = false;
            index--;
        }
        int lastDigit = index;
        while (index >= start && isDigit(buffer.getByte(index))) {
            index--;
        }
        int digits = lastDigit - index;
        if (digits == 0 || index < start || buffer.getByte(index) != '{') {
            return Optional.empty();
        }
        long size = 0;
        if (digits > MAX_DIGITS) {
            size = Long.MAX_VALUE;
        } else {
            for (int i = index + 1; i <= lastDigit; i++) {
                size = size * 10 + (buffer.getByte(i) - '0');
            }
        }
        return Optional.of(new Announced(size, synchronizing));
    }

    private static Optional<Tag> tag(ByteBuf buffer, int start, int end) {
        int index = start;
        while (index < end && index - start <= MAX_TAG_LENGTH && isTagChar(buffer.getByte(index))) {
            index++;
        }
        int length = index - start;
        if (length == 0 || length > MAX_TAG_LENGTH || index >= end || buffer.getByte(index) != ' ') {
            return Optional.empty();
        }
        return Optional.of(new Tag(buffer.toString(start, length, StandardCharsets.US_ASCII)));
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** ASTRING-CHAR minus "+" (RFC 3501 tag). */
    private static boolean isTagChar(byte b) {
        return b > 0x20 && b < 0x7f && "(){%*\"\\+".indexOf(b) < 0;
    }
}
