package org.postline.mailets.mime;

import java.util.Optional;
import java.util.function.Function;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * Bounds on the MIME structure a mailet will take apart: nesting depth (multiparts and attached messages),
 * number of entities, header fields per entity and length of one header field. A message past any bound is
 * malformed: it is never walked further.
 */
public record MimeLimits(int maxDepth, int maxParts, int maxHeaderCount, int maxHeaderLength) {

    public static final MimeLimits DEFAULTS = new MimeLimits(20, 500, 1000, 65_536);

    /** The init parameters that set the limits; every MIME mailet accepts them. */
    public static final String MAX_DEPTH = "maxDepth";
    public static final String MAX_PARTS = "maxParts";
    public static final String MAX_HEADER_COUNT = "maxHeaderCount";
    public static final String MAX_HEADER_LENGTH = "maxHeaderLength";

    public MimeLimits {
        positive(MAX_DEPTH, maxDepth);
        positive(MAX_PARTS, maxParts);
        positive(MAX_HEADER_COUNT, maxHeaderCount);
        positive(MAX_HEADER_LENGTH, maxHeaderLength);
    }

    /** Limits from init parameters (absent ones keep their default). */
    public static MimeLimits from(Function<String, Optional<String>> parameter) {
        return new MimeLimits(
                number(parameter, MAX_DEPTH, DEFAULTS.maxDepth),
                number(parameter, MAX_PARTS, DEFAULTS.maxParts),
                number(parameter, MAX_HEADER_COUNT, DEFAULTS.maxHeaderCount),
                number(parameter, MAX_HEADER_LENGTH, DEFAULTS.maxHeaderLength));
    }

    /** The same bounds for mime4j's own parser (body lines are not limited: long lines are legal in 8bit/binary). */
    MimeConfig mimeConfig() {
        return MimeConfig.custom()
                .setMaxHeaderCount(maxHeaderCount)
                .setMaxHeaderLen(maxHeaderLength)
                .setMaxLineLen(-1)
                .setMaxContentLen(-1)
                .setStrictParsing(false)
                .build();
    }

    private static int number(Function<String, Optional<String>> parameter, String name, int fallback) {
        Optional<String> text = parameter.apply(name).map(String::trim).filter(s -> !s.isEmpty());
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            positive(name, value);
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": \"" + text.get() + "\" is not a whole number");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": must be at least 1, not " + value);
        }
    }
}
