package org.postline.matchers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postline.mailets.mime.MimeEntity;
import org.postline.mailets.mime.MimeMatcher;

/**
 * Matches mail with an entity of one of the given MIME types anywhere in the tree, multiparts and attached
 * messages included: {@code HasMimeTypeAnywhere=text/html, application/*}. (James's HasMimeType looks at the
 * top level only.)
 */
public final class HasMimeTypeAnywhere extends MimeMatcher {

    private List<String> types = List.of();

    @Override
    protected void configure(String condition) {
        List<String> parsed = new ArrayList<>();
        for (String item : condition.split(",")) {
            String type = item.trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                continue;
            }
            if (!type.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)")) {
                throw new IllegalArgumentException("\"" + item.trim() + "\" is not a MIME type (type/subtype or type/*)");
            }
            parsed.add(type);
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("give MIME types: HasMimeTypeAnywhere=text/html,application/*");
        }
        types = List.copyOf(parsed);
    }

    @Override
    protected boolean matches(MimeEntity message) {
        return message.tree().map(e -> e.content().mimeType())
                .anyMatch(type -> types.stream().anyMatch(pattern -> pattern.endsWith("/*")
                        ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type)));
    }
}
