package org.postline.matchers;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.postline.mailets.mime.HeaderLines;
import org.postline.mailets.mime.MimeEntity;
import org.postline.mailets.mime.MimeMatcher;

/**
 * Matches mail with a top-level header field of that name whose value (unfolded, RFC 2047 decoded) contains a
 * match for the regular expression: {@code HeaderMatches=X-Spam-Flag:^YES}. The name ends at the first colon.
 */
public final class HeaderMatches extends MimeMatcher {

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
        return message.fields().stream().filter(f -> f.named(name))
                .anyMatch(f -> pattern.matcher(f.decodedValue()).find());
    }
}
