package org.postline.app.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the value syntaxes of postline.xml. Each throws {@link IllegalArgumentException} whose message
 * says what was expected, ready to become the problem part of a ConfigException. None of them asks DNS.
 */
public final class ConfigValues {

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([KMG]?)");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern DOMAIN_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private ConfigValues() {
    }

    /** "500ms", "30s", "5m", "1h", "2d". */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 500ms, 30s, 5m, 1h or 2d");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** Bytes, or a number with K, M or G (binary multiples): "65536", "512K", "25M", "1G". */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size in bytes such as 65536, 512K, 25M or 1G");
        }
        long amount = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("\"" + text + "\" is too large");
        }
        return amount << shift;
    }

    /** An IPv4 or IPv6 address literal (IPv6 may be in brackets); host names are refused. */
    public static InetAddress ipLiteral(String text) {
        String candidate = text.trim();
        if (candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        boolean looksLikeIp = IPV4.matcher(candidate).matches()
                || (candidate.contains(":") && IPV6_CHARS.matcher(candidate).matches());
        if (looksLikeIp) {
            try {
                // A literal never triggers a lookup.
                return InetAddress.getByName(candidate);
            } catch (UnknownHostException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
    }

    /**
     * A network in CIDR notation ("10.0.0.0/8", "2001:db8::/32"); a bare address means that one host.
     * Returns it normalised to address/prefix.
     */
    public static String cidr(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress parsed;
        try {
            parsed = ipLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a network in CIDR notation such as 192.168.0.0/16 or 2001:db8::/32");
        }
        int maxPrefix = parsed.getAddress().length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String prefixText = trimmed.substring(slash + 1);
            if (!prefixText.matches("[0-9]{1,3}") || Integer.parseInt(prefixText) > maxPrefix) {
                throw new IllegalArgumentException("\"" + text + "\" has a bad prefix length: expected 0 to " + maxPrefix);
            }
            prefix = Integer.parseInt(prefixText);
        }
        return parsed.getHostAddress() + "/" + prefix;
    }

    /** "192.0.2.53", "192.0.2.53:5353", "2001:db8::53", "[2001:db8::53]:5353"; the port defaults to 53. */
    public static InetSocketAddress resolver(String text) {
        String trimmed = text.trim();
        String host = trimmed;
        int port = 53;
        if (trimmed.startsWith("[") && trimmed.contains("]:")) {
            int close = trimmed.indexOf("]:");
            host = trimmed.substring(0, close + 1);
            port = port(trimmed.substring(close + 2), text);
        } else if (trimmed.indexOf(':') > 0 && trimmed.indexOf(':') == trimmed.lastIndexOf(':')) {
            host = trimmed.substring(0, trimmed.indexOf(':'));
            port = port(trimmed.substring(trimmed.indexOf(':') + 1), text);
        }
        try {
            return new InetSocketAddress(ipLiteral(host), port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a resolver address such as 192.0.2.53 or [2001:db8::53]:53");
        }
    }

    private static int port(String text, String whole) {
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("\"" + whole + "\" has a bad port: expected 1 to 65535");
        }
        return Integer.parseInt(text);
    }

    /** A domain or host name (letters, digits, hyphens; dot-separated labels), returned in lower case. */
    public static String domainName(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.isEmpty() || lower.length() > 253) {
            throw new IllegalArgumentException("\"" + text + "\" is not a domain name");
        }
        for (String label : lower.split("\\.", -1)) {
            if (!DOMAIN_LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("\"" + text + "\" is not a domain name");
            }
        }
        return lower;
    }
}
