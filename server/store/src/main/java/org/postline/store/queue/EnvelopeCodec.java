package org.postline.store.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;

/**
 * Writes an {@link Envelope} as a small line-oriented text and reads it back, every field intact. Each line is
 * a tag and space-separated tokens: {@code =text} for a value (with {@code %}, space, tab, CR, LF and other
 * control characters as {@code %XX}), {@code -} for an absent optional. Map entries are sorted, so equal
 * envelopes encode equally.
 */
public final class EnvelopeCodec {

    private static final String HEADER = "postline-envelope 1";

    private EnvelopeCodec() {
    }

    public static String encode(Envelope envelope) {
        StringBuilder out = new StringBuilder(256).append(HEADER).append('\n');
        line(out, "name", value(envelope.name()));
        line(out, "sender", optional(envelope.sender()));
        for (String recipient : envelope.recipients()) {
            line(out, "rcpt", value(recipient));
        }
        line(out, "state", value(envelope.state()));
        line(out, "error", optional(envelope.errorMessage()));
        new TreeMap<>(envelope.attributes()).forEach((key, text) -> line(out, "attr", value(key), value(text)));
        SessionFacts session = envelope.session();
        line(out, "session", value(session.remoteAddress()), value(session.remoteHost()), value(session.heloName()),
                optional(session.authUser()), session.tls() ? "tls" : "plain", value(session.listener()));
        DsnRequest dsn = envelope.dsn();
        line(out, "dsn", optional(dsn.ret()), optional(dsn.envId()));
        new TreeMap<>(dsn.recipients()).forEach((recipient, request) -> {
            List<String> tokens = new ArrayList<>();
            tokens.add(value(recipient));
            tokens.add(optional(request.orcpt()));
            new TreeSet<>(request.notifyOn()).forEach(notify -> tokens.add(value(notify)));
            line(out, "dsnrcpt", tokens.toArray(String[]::new));
        });
        return out.toString();
    }

    /** @throws IllegalArgumentException if the text is not an envelope this codec wrote */
    public static Envelope decode(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !HEADER.equals(lines[0])) {
            throw new IllegalArgumentException("not a Postline envelope (unknown header)");
        }
        String name = null;
        Optional<String> sender = Optional.empty();
        List<String> recipients = new ArrayList<>();
        String state = null;
        Optional<String> error = Optional.empty();
        Map<String, String> attributes = new HashMap<>();
        SessionFacts session = null;
        Optional<String> ret = Optional.empty();
        Optional<String> envId = Optional.empty();
        Map<String, DsnRequest.RecipientDsn> dsnRecipients = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] t = lines[i].split(" ", -1);
            switch (t[0]) {
                case "name" -> name = value(t, 1);
                case "sender" -> sender = optional(t, 1);
                case "rcpt" -> recipients.add(value(t, 1));
                case "state" -> state = value(t, 1);
                case "error" -> error = optional(t, 1);
                case "attr" -> attributes.put(value(t, 1), value(t, 2));
                case "session" -> session = new SessionFacts(value(t, 1), value(t, 2), value(t, 3), optional(t, 4),
                        "tls".equals(token(t, 5)), value(t, 6));
                case "dsn" -> {
                    ret = optional(t, 1);
                    envId = optional(t, 2);
                }
                case "dsnrcpt" -> {
                    Set<String> notify = new TreeSet<>();
                    for (int n = 3; n < t.length; n++) {
                        notify.add(value(t, n));
                    }
                    dsnRecipients.put(value(t, 1), new DsnRequest.RecipientDsn(notify, optional(t, 2)));
                }
                default -> throw new IllegalArgumentException("unknown envelope line '" + t[0] + "'");
            }
        }
        if (name == null || state == null || session == null) {
            throw new IllegalArgumentException("envelope lacks its name, state or session");
        }
        return new Envelope(name, sender, recipients, state, error, attributes, session,
                new DsnRequest(ret, envId, dsnRecipients));
    }

    private static void line(StringBuilder out, String tag, String... tokens) {
        out.append(tag);
        for (String token : tokens) {
            out.append(' ').append(token);
        }
        out.append('\n');
    }

    private static String optional(Optional<String> text) {
        return text.map(EnvelopeCodec::value).orElse("-");
    }

    private static String value(String text) {
        StringBuilder out = new StringBuilder(text.length() + 1).append('=');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == ' ' || c < 0x20 || c == 0x7f) {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Optional<String> optional(String[] tokens, int index) {
        return "-".equals(token(tokens, index)) ? Optional.empty() : Optional.of(value(tokens, index));
    }

    private static String value(String[] tokens, int index) {
        String token = token(tokens, index);
        if (!token.startsWith("=")) {
            throw new IllegalArgumentException("malformed envelope value '" + token + "'");
        }
        if (token.indexOf('%') < 0) {
            return token.substring(1);
        }
        StringBuilder out = new StringBuilder(token.length());
        for (int i = 1; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '%') {
                if (i + 3 > token.length()) {
                    throw new IllegalArgumentException("truncated escape in envelope value");
                }
                out.append((char) Integer.parseInt(token.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String token(String[] tokens, int index) {
        if (index >= tokens.length) {
            throw new IllegalArgumentException("envelope line '" + tokens[0] + "' is too short");
        }
        return tokens[index];
    }
}
