package org.postline.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds {@code text} to the message's first text/plain body part and {@code html} (before {@code </body>} when
 * there is one) to its first text/html body part, in the part's charset and transfer encoding. Attachments and
 * attached messages are not body parts. A signed or encrypted message (multipart/signed, multipart/encrypted,
 * application/pkcs7-mime) is left alone, with a log line: a footer would break it.
 */
public final class Footer extends MimeMailet {

    private static final Logger LOG = LoggerFactory.getLogger(Footer.class);

    private Optional<String> text = Optional.empty();
    private Optional<String> html = Optional.empty();

    @Override
    protected Set<String> parameterNames() {
        return Set.of("text", "html");
    }

    @Override
    protected void configure() {
        text = block("text");
        html = block("html").or(() -> text.map(Footer::asHtml));
        if (text.isEmpty() && html.isEmpty()) {
            throw new IllegalArgumentException("give text or html (or both)");
        }
    }

    private Optional<String> block(String name) {
        return getInitParameterAsOptional(name).map(Footer::unindent).filter(s -> !s.isEmpty());
    }

    /** Drops blank first and last lines and the indentation common to all lines; keeps trailing spaces ("-- "). */
    static String unindent(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        while (!lines.isEmpty() && lines.get(0).isBlank()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        // the first line's indentation may already be gone (a reader that trims element text): judge by the rest
        List<String> judged = lines.size() > 1 ? lines.subList(1, lines.size()) : lines;
        int indent = judged.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> strip(l, indent)).toList());
    }

    private static String strip(String line, int indent) {
        int i = 0;
        while (i < indent && i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return line.substring(i);
    }

    static String asHtml(String plain) {
        String escaped = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        return "<div>" + escaped.replaceAll("\r?\n", "<br>") + "</div>";
    }

    @Override
    protected byte[] edit(Mail mail, MimeEntity message) {
        if (message.isSecured()) {
            LOG.info("{}: mail {}: {} message left without footer (a footer would break it)", getMailetName(),
                    mail.getName(), message.content().mimeType());
            return message.source();
        }
        if (message.tree().anyMatch(MimeEntity::isSecured)) {
            LOG.info("{}: mail {}: signed or encrypted parts left without footer", getMailetName(), mail.getName());
        }
        MimeEdits edits = new MimeEdits(message.source());
        text.flatMap(footer -> firstBodyPart(message, "text/plain"))
                .ifPresent(part -> addFooter(mail, edits, part, text.get(), false));
        html.flatMap(footer -> firstBodyPart(message, "text/html"))
                .ifPresent(part -> addFooter(mail, edits, part, html.get(), true));
        return edits.apply();
    }

    /** The first part of that type reached through multiparts only, not an attachment nor inside a signed part. */
    static Optional<MimeEntity> firstBodyPart(MimeEntity entity, String type) {
        if (entity.isSecured()) {
            return Optional.empty();
        }
        if (entity.content().isMultipart()) {
            for (MimeEntity child : entity.children()) {
                Optional<MimeEntity> found = firstBodyPart(child, type);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        ContentInfo content = entity.content();
        return content.mimeType().equals(type) && !content.isAttachment() ? Optional.of(entity) : Optional.empty();
    }

    private void addFooter(Mail mail, MimeEdits edits, MimeEntity part, String footer, boolean isHtml) {
        ContentInfo content = part.content();
        String charsetName = content.charset().orElse("us-ascii");
        Charset charset;
        try {
            charset = Charset.forName(charsetName);
        } catch (IllegalArgumentException e) {
            LOG.info("{}: mail {}: {} part in unknown charset {} left without footer", getMailetName(), mail.getName(),
                    content.mimeType(), charsetName);
            return;
        }
        String encoding = content.transferEncoding();
        boolean encoded = encoding.equals("base64") || encoding.equals("quoted-printable");
        byte[] lineBreak = encoded ? new byte[] {'\r', '\n'} : MimeTree.lineBreak(part.source());
        String eol = new String(lineBreak, StandardCharsets.US_ASCII);
        String withBreaks = footer.replaceAll("\r?\n", eol);
        byte[] decoded = TransferEncoding.decode(part);
        Charset target = charset;
        if (!charset.newEncoder().canEncode(withBreaks) || !asciiCompatible(charset)) {
            target = StandardCharsets.UTF_8;
        }
        if (!target.equals(charset) && !charset.name().equalsIgnoreCase("US-ASCII")) {
            decoded = new String(decoded, charset).getBytes(target);
        }
        byte[] newContent = insert(decoded, withBreaks.getBytes(target), lineBreak, isHtml);
        String newEncoding = encoding;
        if (encoding.equals("7bit") && SevenBitConverter.has8Bit(newContent)) {
            newEncoding = "quoted-printable";
        }
        byte[] newBody = TransferEncoding.encode(newContent, newEncoding, true);
        edits.replace(part.bodyStart(), part.end(), newBody);
        if (!target.equals(charset)) {
            replaceField(edits, part, "Content-Type", withUtf8Charset(content), lineBreak);
        }
        if (!newEncoding.equals(encoding)) {
            replaceField(edits, part, "Content-Transfer-Encoding", newEncoding, lineBreak);
        }
    }

    /** The Content-Type with charset=UTF-8 and its other parameters (format=flowed...) kept. */
    static String withUtf8Charset(ContentInfo content) {
        StringBuilder type = new StringBuilder(content.mimeType());
        content.typeParameters().forEach((name, value) -> {
            if (!name.equals("charset") && value.chars().allMatch(c -> c >= 32 && c < 127)) {
                type.append("; ").append(name).append("=\"")
                        .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        return type.append("; charset=UTF-8").toString();
    }

    private static void replaceField(MimeEdits edits, MimeEntity part, String name, String value, byte[] lineBreak) {
        byte[] line = HeaderLines.field(name, value, MimeTree.lineBreak(part.source()));
        Optional<HeaderField> existing = part.field(name);
        if (existing.isPresent()) {
            edits.replace(existing.get().start(), existing.get().end(), line);
        } else {
            EditHeaders.appendToHeader(edits, part, line, lineBreak);
        }
    }

    private static boolean asciiCompatible(Charset charset) {
        return Arrays.equals("</body>".getBytes(charset), "</body>".getBytes(StandardCharsets.US_ASCII));
    }

    /** The footer before the last {@code </body>} of HTML, else after the content, on a line of its own. */
    static byte[] insert(byte[] content, byte[] footer, byte[] lineBreak, boolean isHtml) {
        int at = isHtml ? lastIndexOfBodyEnd(content) : -1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + footer.length + 8);
        if (at >= 0) {
            out.write(content, 0, at);
            out.writeBytes(footer);
            out.writeBytes(lineBreak);
            out.write(content, at, content.length - at);
            return out.toByteArray();
        }
        boolean endsWithBreak = content.length > 0 && content[content.length - 1] == '\n';
        out.writeBytes(content);
        if (!endsWithBreak && content.length > 0) {
            out.writeBytes(lineBreak);
        }
        out.writeBytes(footer);
        if (endsWithBreak) {
            out.writeBytes(lineBreak);
        }
        return out.toByteArray();
    }

    private static int lastIndexOfBodyEnd(byte[] content) {
        String ascii = new String(content, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return ascii.lastIndexOf("</body");
    }
}
