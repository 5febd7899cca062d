package org.postline.store.directory;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postline.api.directory.DirectoryException;

/** Validation and canonical (lower-case) forms of domain names and mail addresses. */
final class Names {

    /** An LDH label (RFC 1035/5890): letters, digits, inner hyphens; IDNs arrive as A-labels (xn--...). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** A dot-atom local part (RFC 5322 atext); quoted local parts are not accepted for users and rules. */
    private static final Pattern LOCAL_PART =
            Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final int MAX_DOMAIN = 253;
    private static final int MAX_LOCAL_PART = 64;

    private Names() {
    }

    /** The canonical domain, or empty if the text is not a valid domain name. */
    static Optional<String> domainOrEmpty(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_DOMAIN) {
            return Optional.empty();
        }
        String domain = text.toLowerCase(Locale.ROOT);
        for (String label : domain.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(domain);
    }

    /** The canonical address, or empty if the text is not a valid {@code local@domain}. */
    static Optional<String> addressOrEmpty(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int at = text.lastIndexOf('@');
        if (at <= 0 || at > MAX_LOCAL_PART) {
            return Optional.empty();
        }
        String local = text.substring(0, at).toLowerCase(Locale.ROOT);
        if (!LOCAL_PART.matcher(local).matches()) {
            return Optional.empty();
        }
        return domainOrEmpty(text.substring(at + 1)).map(domain -> local + "@" + domain);
    }

    static String domain(String text) {
        return domainOrEmpty(text)
                .orElseThrow(() -> new DirectoryException("'" + printable(text) + "' is not a valid domain name"));
    }

    static String address(String text) {
        return addressOrEmpty(text)
                .orElseThrow(() -> new DirectoryException("'" + printable(text) + "' is not a valid mail address"));
    }

    /** The domain part of an address already made canonical. */
    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** Keeps user-supplied junk from spilling control characters or kilobytes into a message. */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        String shortened = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shortened.replaceAll("\\p{Cntrl}", "?");
    }
}
