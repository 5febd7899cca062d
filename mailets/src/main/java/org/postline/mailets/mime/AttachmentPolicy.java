package org.postline.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces an {@link AttachmentRule} anywhere in the message. {@code action=strip} replaces each forbidden part
 * by a short text/plain part naming what was removed (the rest of the message keeps its bytes);
 * {@code action=reject} leaves the message alone and sends the mail to {@code rejectProcessor} with the
 * reason as its error message. Malformed MIME goes to the error processor unless {@code onMalformed=continue}:
 * a policy should not be passed by breaking the structure.
 */
public final class AttachmentPolicy extends MimeMailet {

    private static final Logger LOG = LoggerFactory.getLogger(AttachmentPolicy.class);

    private AttachmentRule rule;
    private boolean reject;
    private String rejectProcessor;
    private String notice;

    @Override
    protected Set<String> parameterNames() {
        Set<String> names = new HashSet<>(AttachmentRule.PARAMETERS);
        names.addAll(List.of("action", "rejectProcessor", "notice"));
        return names;
    }

    @Override
    protected OnMalformed defaultOnMalformed() {
        return OnMalformed.ERROR;
    }

    @Override
    protected void configure() {
        rule = AttachmentRule.from(this::getInitParameterAsOptional);
        if (!rule.hasCriteria()) {
            throw new IllegalArgumentException("give at least one of names, nameRegex, types, maxSize"
                    + " (names=* forbids every named attachment)");
        }
        String action = parameter("action").toLowerCase(Locale.ROOT);
        reject = switch (action) {
            case "", "strip" -> false;
            case "reject" -> true;
            default -> throw new IllegalArgumentException("action: \"" + action + "\" is neither strip nor reject");
        };
        rejectProcessor = parameter("rejectProcessor");
        if (reject && rejectProcessor.isEmpty()) {
            throw new IllegalArgumentException("action=reject needs rejectProcessor (the processor that bounces or keeps"
                    + " the mail)");
        }
        notice = parameter("notice");
        if (notice.isEmpty()) {
            notice = "Attachment refused by policy";
        }
    }

    @Override
    protected byte[] edit(Mail mail, MimeEntity message) {
        List<ForbiddenParts.Hit> hits = ForbiddenParts.find(message, rule);
        if (hits.isEmpty()) {
            return message.source();
        }
        String what = hits.stream().map(h -> describe(h.part()) + ": " + h.reason()).collect(Collectors.joining("; "));
        if (reject) {
            LOG.info("{}: mail {}: rejected to {} ({})", getMailetName(), mail.getName(), rejectProcessor, what);
            mail.setErrorMessage(notice + ": " + what);
            mail.setState(rejectProcessor);
            return message.source();
        }
        byte[] lineBreak = MimeTree.lineBreak(message.source());
        MimeEdits edits = new MimeEdits(message.source());
        for (ForbiddenParts.Hit hit : hits) {
            replace(edits, hit, lineBreak);
        }
        LOG.info("{}: mail {}: stripped {}", getMailetName(), mail.getName(), what);
        return edits.apply();
    }

    private static void replace(MimeEdits edits, ForbiddenParts.Hit hit, byte[] lineBreak) {
        MimeEntity part = hit.part();
        byte[] text = ("The attachment " + describe(part) + " was removed (" + hit.reason() + ").")
                .getBytes(StandardCharsets.UTF_8);
        boolean ascii = !SevenBitConverter.has8Bit(text);
        byte[] body = ascii ? text : TransferEncoding.encode(text, "quoted-printable", true);
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        fields.writeBytes(HeaderLines.field("Content-Type", "text/plain; charset=" + (ascii ? "us-ascii" : "UTF-8"),
                lineBreak));
        fields.writeBytes(HeaderLines.field("Content-Transfer-Encoding", ascii ? "7bit" : "quoted-printable",
                lineBreak));
        fields.writeBytes(HeaderLines.field("Content-Disposition", "inline", lineBreak));
        if (!hit.messageBody()) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            whole.writeBytes(fields.toByteArray());
            whole.writeBytes(lineBreak);
            whole.writeBytes(body);
            edits.replace(part.start(), part.end(), whole.toByteArray());
            return;
        }
        // The body of a message: its other header fields (From, Subject...) stay, its Content-* fields go.
        for (HeaderField field : part.fields()) {
            if (field.lowerName().startsWith("content-")) {
                edits.remove(field);
            }
        }
        EditHeaders.appendToHeader(edits, part, fields.toByteArray(), lineBreak);
        ByteArrayOutputStream newBody = new ByteArrayOutputStream();
        if (part.bodyStart() == part.headerEnd()) {
            newBody.writeBytes(lineBreak);
        }
        newBody.writeBytes(body);
        edits.replace(part.bodyStart(), part.end(), newBody.toByteArray());
    }

    /** "name" (type, N bytes), the name stripped of control characters and quotes. */
    static String describe(MimeEntity part) {
        String name = part.content().fileName().map(n -> n.replaceAll("[\\p{Cntrl}\"]", "_"))
                .map(n -> "\"" + n + "\" ").orElse("");
        return name + "(" + part.content().mimeType() + ", " + AttachmentRule.decodedSize(part) + " bytes)";
    }
}
