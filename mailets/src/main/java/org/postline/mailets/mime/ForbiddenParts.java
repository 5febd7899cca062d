package org.postline.mailets.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the parts an {@link AttachmentRule} forbids, anywhere in the tree: inside nested multiparts and inside
 * attached messages. A forbidden attached message is reported whole and not looked into.
 */
public final class ForbiddenParts {

    /** A forbidden part, whether it is the body of a message (top level or attached) and why it is forbidden. */
    public record Hit(MimeEntity part, boolean messageBody, String reason) {
    }

    private ForbiddenParts() {
    }

    public static List<Hit> find(MimeEntity message, AttachmentRule rule) {
        List<Hit> hits = new ArrayList<>();
        walk(message, true, rule, hits);
        return hits;
    }

    private static void walk(MimeEntity entity, boolean messageRoot, AttachmentRule rule, List<Hit> hits) {
        if (entity.content().isMultipart()) {
            for (MimeEntity child : entity.children()) {
                walk(child, false, rule, hits);
            }
            return;
        }
        rule.violation(entity).ifPresentOrElse(
                reason -> hits.add(new Hit(entity, messageRoot, reason)),
                () -> entity.children().forEach(inner -> walk(inner, true, rule, hits)));
    }
}
