package org.postline.api.directory;

import java.util.Locale;

/**
 * One recipient rewrite rule.
 * <ul>
 *   <li>{@code ADDRESS}: {@code source} is an address; mail to it goes to {@code target} (an alias when the
 *       target is local, a forward when it is not). Several rules with one source fan out.</li>
 *   <li>{@code DOMAIN}: {@code source} and {@code target} are domains; {@code u@source} becomes {@code u@target}.</li>
 *   <li>{@code CATCH_ALL}: {@code source} is a domain; mail to any unknown user there goes to the {@code target} address.</li>
 * </ul>
 */
public record Rewrite(Kind kind, String source, String target) {

    public enum Kind { ADDRESS, DOMAIN, CATCH_ALL }

    public Rewrite {
        source = source.toLowerCase(Locale.ROOT);
        target = target.toLowerCase(Locale.ROOT);
    }
}
