package org.postline.mailbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.mailbox.model.SearchQuery;

/**
 * Texts a message's header must contain for a search to match it, found in the query's AND-ed header
 * criteria (SUBJECT, HEADER name text). James matches them, case-insensitively, in the unfolded, decoded
 * value of the header; for a header that is plain ASCII without encoded words that value is a piece of the
 * raw bytes with line breaks removed, so a header lacking a needle there cannot match and need not be parsed.
 */
/* subjectNeedles: those of SUBJECT and HEADER Subject criteria, as Strings, for the subject index. */
record HeaderNeedles(List<byte[]> needles, List<String> subjectNeedles) {

    /** The needles of the query, if it has any worth screening on. */
    static Optional<HeaderNeedles> of(SearchQuery query) {
        List<byte[]> needles = new ArrayList<>();
        List<String> subjectNeedles = new ArrayList<>();
        collect(query.getCriteria(), needles, subjectNeedles);
        return needles.isEmpty() ? Optional.empty()
            : Optional.of(new HeaderNeedles(List.copyOf(needles), List.copyOf(subjectNeedles)));
    }

    private static void collect(List<SearchQuery.Criterion> criteria, List<byte[]> needles, List<String> subjectNeedles) {
        for (SearchQuery.Criterion criterion : criteria) {
            if (criterion instanceof SearchQuery.ConjunctionCriterion conjunction
                    && conjunction.getType() == SearchQuery.Conjunction.AND) {
                collect(conjunction.getCriteria(), needles, subjectNeedles);
            } else if (criterion instanceof SearchQuery.SubjectCriterion subject) {
                needle(subject.asHeaderCriterion()).ifPresent(needle -> {
                    needles.add(needle);
                    subjectNeedles.add(new String(needle, StandardCharsets.US_ASCII));
                });
            } else if (criterion instanceof SearchQuery.HeaderCriterion header) {
                needle(header).ifPresent(needle -> {
                    needles.add(needle);
                    if (header.getHeaderName().equalsIgnoreCase("subject")) {
                        subjectNeedles.add(new String(needle, StandardCharsets.US_ASCII));
                    }
                });
            }
        }
    }

    private static Optional<byte[]> needle(SearchQuery.HeaderCriterion criterion) {
        if (!(criterion.getOperator() instanceof SearchQuery.ContainsOperator contains)) {
            return Optional.empty();
        }
        String text = contains.getValue();
        if (text == null || text.isEmpty() || !text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return Optional.empty();
        }
        return Optional.of(text.toUpperCase(Locale.US).getBytes(StandardCharsets.US_ASCII));
    }

    /** False only when no header of these bytes can hold every needle as James reads it. */
    boolean mayMatch(byte[] header) {
        for (int i = 0; i < header.length; i++) {
            if (header[i] < 0 || (header[i] == '=' && i + 1 < header.length && header[i + 1] == '?')) {
                return true; // 8-bit text or an encoded word: only James's decoding can tell
            }
        }
        for (byte[] needle : needles) {
            if (!contains(header, needle)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the upper-cased needle occurs in the ASCII bytes, ignoring case and skipping CR and LF as unfolding does. */
    private static boolean contains(byte[] header, byte[] needle) {
        for (int start = 0; start < header.length; start++) {
            if (upper(header[start]) != needle[0]) {
                continue;
            }
            int at = start + 1;
            int matched = 1;
            while (matched < needle.length && at < header.length) {
                byte b = header[at++];
                if (b == '\r' || b == '\n') {
                    continue;
                }
                if (upper(b) != needle[matched]) {
                    break;
                }
                matched++;
            }
            if (matched == needle.length) {
                return true;
            }
        }
        return false;
    }

    private static byte upper(byte b) {
        return b >= 'a' && b <= 'z' ? (byte) (b - ('a' - 'A')) : b;
    }
}
