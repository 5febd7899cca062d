package org.postline.mailets.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which parts count as forbidden attachments: a file name matching a glob ({@code names}) or a regular
 * expression ({@code nameRegex}), a MIME type ({@code types}, "type/*" allowed), or an attachment larger than
 * {@code maxSize} once decoded. Any one criterion is enough. A rule without criteria matches every attachment
 * (a part with a file name or "Content-Disposition: attachment").
 */
public record AttachmentRule(List<NameRule> namePatterns, List<String> types, OptionalLong maxSize) {

    /** A glob (the whole name must match) or a regular expression (found anywhere in the name). */
    public record NameRule(String written, Pattern pattern, boolean whole) {
        boolean test(String name) {
            return whole ? pattern.matcher(name).matches() : pattern.matcher(name).find();
        }
    }

    public static final List<String> PARAMETERS = List.of("names", "nameRegex", "types", "maxSize");

    /** A rule from parameters by name (absent or blank ones are not criteria). */
    public static AttachmentRule from(Function<String, Optional<String>> parameter) {
        List<NameRule> patterns = new ArrayList<>();
        for (String glob : list(parameter.apply("names"))) {
            patterns.add(new NameRule(glob,
                    Pattern.compile(globToRegex(glob), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), true));
        }
        Optional<String> regex = parameter.apply("nameRegex").map(String::trim).filter(s -> !s.isEmpty());
        if (regex.isPresent()) {
            try {
                patterns.add(new NameRule(regex.get(),
                        Pattern.compile(regex.get(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), false));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("nameRegex: not a regular expression: " + e.getDescription());
            }
        }
        List<String> types = new ArrayList<>();
        for (String type : list(parameter.apply("types"))) {
            String lower = type.toLowerCase(Locale.ROOT);
            if (!lower.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)")) {
                throw new IllegalArgumentException("types: \"" + type + "\" is not a MIME type (type/subtype or type/*)");
            }
            types.add(lower);
        }
        OptionalLong maxSize = parameter.apply("maxSize").map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> OptionalLong.of(size("maxSize", s))).orElse(OptionalLong.empty());
        return new AttachmentRule(List.copyOf(patterns), List.copyOf(types), maxSize);
    }

    public boolean hasCriteria() {
        return !namePatterns.isEmpty() || !types.isEmpty() || maxSize.isPresent();
    }

    /** Why the part is forbidden, if it is. */
    public Optional<String> violation(MimeEntity part) {
        ContentInfo content = part.content();
        if (!hasCriteria()) {
            return content.isAttachment() ? Optional.of("attachment") : Optional.empty();
        }
        Optional<String> name = content.fileName();
        if (name.isPresent()) {
            for (NameRule rule : namePatterns) {
                if (rule.test(name.get())) {
                    return Optional.of("file name matches " + rule.written());
                }
            }
        }
        for (String type : types) {
            if (typeMatches(type, content.mimeType())) {
                return Optional.of("type " + content.mimeType());
            }
        }
        if (maxSize.isPresent() && content.isAttachment()) {
            long size = decodedSize(part);
            if (size > maxSize.getAsLong()) {
                return Optional.of("larger than " + maxSize.getAsLong() + " bytes");
            }
        }
        return Optional.empty();
    }

    static boolean typeMatches(String pattern, String type) {
        if (pattern.endsWith("/*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }

    static long decodedSize(MimeEntity part) {
        return part.children().isEmpty() ? TransferEncoding.decode(part).length : part.bodyLength();
    }

    /** "10M", "500K", "2G" or a number of bytes. */
    public static long size(String what, String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1024L;
                case 'M' -> 1024L * 1024;
                default -> 1024L * 1024 * 1024;
            };
            t = t.substring(0, t.length() - 1).trim();
        }
        try {
            long value = Long.parseLong(t);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(value, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(what + ": \"" + text + "\" is not a size (bytes, or a number with K, M or G)");
        }
    }

    /** "*.exe" style: * any run, ? one character, the rest literal; the whole name must match. */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder("^");
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.append('$').toString();
    }

    private static List<String> list(Optional<String> text) {
        List<String> items = new ArrayList<>();
        for (String item : text.orElse("").split(",")) {
            if (!item.trim().isEmpty()) {
                items.add(item.trim());
            }
        }
        return items;
    }
}
