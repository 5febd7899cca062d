package org.postline.matchers;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.postline.mailets.mime.AttachmentRule;
import org.postline.mailets.mime.ForbiddenParts;
import org.postline.mailets.mime.MimeEntity;
import org.postline.mailets.mime.MimeMatcher;

/**
 * Matches mail with an attachment anywhere in the tree (nested multiparts, attached messages). Without a
 * condition any attachment counts; otherwise the condition holds {@link AttachmentRule} criteria separated by
 * semicolons: {@code HasAttachment=names=*.exe,*.scr; types=application/zip; maxSize=10M; nameRegex=...}.
 */
public final class HasAttachment extends MimeMatcher {

    private AttachmentRule rule;

    @Override
    protected void configure(String condition) {
        Map<String, String> criteria = new HashMap<>();
        for (String clause : condition.split(";")) {
            if (clause.isBlank()) {
                continue;
            }
            int eq = clause.indexOf('=');
            String key = eq < 0 ? clause.trim() : clause.substring(0, eq).trim();
            if (eq < 0 || !AttachmentRule.PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("\"" + clause.trim() + "\" is not one of "
                        + String.join("=..., ", AttachmentRule.PARAMETERS) + "=...");
            }
            criteria.put(key, clause.substring(eq + 1).trim());
        }
        rule = AttachmentRule.from(key -> Optional.ofNullable(criteria.get(key)));
    }

    @Override
    protected boolean matches(MimeEntity message) {
        return !ForbiddenParts.find(message, rule).isEmpty();
    }

    @Override
    public String getMatcherInfo() {
        return "Attachment anywhere in the message, by name, type or size";
    }
}
