package org.postline.matchers;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.postline.mailets.mime.HeaderLines;
import org.postline.mailets.mime.MimeEntity;
import org.postline.mailets.mime.MimeMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches mail with a top-level header field of that name whose value (unfolded, RFC 2047 decoded) contains a
 * match for the regular expression: {@code HeaderMatches=X-Spam-Flag:^YES}. The name ends at the first colon.
 * Only the first {@value #MAX_VALUE_CHARS} characters of a value are searched, and a search that backtracks
 * without end (e.g. {@code (a+)+$}) gives up after a budget proportional to the value's length: no match.
 */
public final class HeaderMatches extends MimeMatcher {

    static final int MAX_VALUE_CHARS = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HeaderMatches.class);

    private String name;
    private Pattern pattern;

    @Override
    protected void configure(String condition) {
        int colon = condition.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("the condition is Name:regex, e.g. HeaderMatches=X-Spam-Flag:^YES");
        }
        name = condition.substring(0, colon).trim();
        HeaderLines.checkName("HeaderMatches", name);
        try {
            pattern = Pattern.compile(condition.substring(colon + 1).trim());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription());
        }
    }

    @Override
    protected boolean matches(MimeEntity message) {
        return message.fields().stream().filter(f -> f.named(name)).anyMatch(f -> find(f.decodedValue()));
    }

    boolean find(String value) {
        String examined = value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) : value;
        try {
            return pattern.matcher(BoundedRegexText.of(examined)).find();
        } catch (BoundedRegexText.BudgetExceeded e) {
            LOG.warn("HeaderMatches: {} on a {} value of {} characters: {}; no match", pattern, name,
                    examined.length(), e.getMessage());
            return false;
        }
    }
}
