package org.postline.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.mailet.Mail;

/**
 * Edits the message's top-level header fields: removes fields by name ({@code remove}) or name prefix
 * ({@code removePrefix}), replaces ({@code set.Name}) and appends ({@code add.Name}) fields, and puts a prefix
 * before the subject ({@code subjectPrefix}, not twice). New values are RFC 2047 encoded when not ASCII;
 * parameters with line breaks are refused at start-up. Fields not named stay byte for byte.
 */
public final class EditHeaders extends MimeMailet {

    private static final String ADD = "add.";
    private static final String SET = "set.";

    private List<String> remove = List.of();
    private List<String> removePrefixes = List.of();
    private final Map<String, String> set = new LinkedHashMap<>();
    private final Map<String, String> add = new LinkedHashMap<>();
    private String subjectPrefix = "";

    @Override
    protected Set<String> parameterNames() {
        return Set.of("remove", "removePrefix", "subjectPrefix");
    }

    @Override
    protected boolean acceptsParameter(String name) {
        return name.startsWith(ADD) || name.startsWith(SET);
    }

    @Override
    protected void configure() {
        remove = names("remove");
        removePrefixes = names("removePrefix");
        Iterator<String> names = getInitParameterNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.startsWith(ADD) || name.startsWith(SET)) {
                String header = name.substring(4);
                HeaderLines.checkName(name, header);
                String value = getInitParameter(name).trim();
                HeaderLines.checkValue(name, value);
                (name.startsWith(ADD) ? add : set).put(header, value);
            }
        }
        subjectPrefix = parameter("subjectPrefix");
        HeaderLines.checkValue("subjectPrefix", subjectPrefix);
        for (Map.Entry<String, String> entry : set.entrySet()) {
            if (entry.getKey().equalsIgnoreCase("Subject") && !subjectPrefix.isEmpty()) {
                // one Subject field: the prefix goes into the value set
                if (!entry.getValue().startsWith(subjectPrefix)) {
                    entry.setValue(subjectPrefix + " " + entry.getValue());
                }
                subjectPrefix = "";
            }
        }
        if (remove.isEmpty() && removePrefixes.isEmpty() && set.isEmpty() && add.isEmpty() && subjectPrefix.isEmpty()) {
            throw new IllegalArgumentException("nothing to do: give remove, removePrefix, set.<Name>, add.<Name>"
                    + " or subjectPrefix");
        }
    }

    private List<String> names(String parameter) {
        List<String> result = new ArrayList<>();
        for (String item : parameter(parameter).split(",")) {
            String name = item.trim();
            if (!name.isEmpty()) {
                HeaderLines.checkName(parameter, name);
                result.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(result);
    }

    @Override
    protected byte[] edit(Mail mail, MimeEntity message) {
        byte[] source = message.source();
        byte[] lineBreak = MimeTree.lineBreak(source);
        MimeEdits edits = new MimeEdits(source);
        boolean subjectDone = subjectPrefix.isEmpty();
        Set<String> setDone = new java.util.HashSet<>();
        for (HeaderField field : message.fields()) {
            String name = field.lowerName();
            if (remove.contains(name) || removePrefixes.stream().anyMatch(name::startsWith)) {
                edits.remove(field);
                continue;
            }
            String replacement = setValue(field.name());
            if (replacement != null) {
                if (setDone.add(name)) {
                    edits.replace(field.start(), field.end(), HeaderLines.field(field.name(), replacement, lineBreak));
                } else {
                    edits.remove(field);
                }
                continue;
            }
            if (!subjectDone && field.named("Subject")) {
                subjectDone = true;
                String subject = field.decodedValue();
                if (!subject.startsWith(subjectPrefix)) {
                    String value = subject.isEmpty() ? subjectPrefix : subjectPrefix + " " + subject;
                    edits.replace(field.start(), field.end(), HeaderLines.field(field.name(), value, lineBreak));
                }
            }
        }
        ByteArrayOutputStream appended = new ByteArrayOutputStream();
        set.forEach((name, value) -> {
            if (!setDone.contains(name.toLowerCase(Locale.ROOT))) {
                appended.writeBytes(HeaderLines.field(name, value, lineBreak));
            }
        });
        add.forEach((name, value) -> appended.writeBytes(HeaderLines.field(name, value, lineBreak)));
        if (!subjectDone) {
            appended.writeBytes(HeaderLines.field("Subject", subjectPrefix, lineBreak));
        }
        if (appended.size() > 0) {
            appendToHeader(edits, message, appended.toByteArray(), lineBreak);
        }
        return edits.apply();
    }

    private String setValue(String header) {
        for (Map.Entry<String, String> entry : set.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(header)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Fields go after the last one; if that lacks its line break (a message of headers only), one comes first. */
    static void appendToHeader(MimeEdits edits, MimeEntity entity, byte[] fields, byte[] lineBreak) {
        int at = entity.headerEnd();
        byte[] source = entity.source();
        if (at > entity.start() && source[at - 1] != '\n') {
            byte[] joined = Arrays.copyOf(lineBreak, lineBreak.length + fields.length);
            System.arraycopy(fields, 0, joined, lineBreak.length, fields.length);
            fields = joined;
        }
        edits.insert(at, fields);
    }
}
