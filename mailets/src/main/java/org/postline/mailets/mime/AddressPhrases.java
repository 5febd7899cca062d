package org.postline.mailets.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.codec.EncoderUtil;

/**
 * Rewrites the non-ASCII display names (phrases, RFC 5322 section 3.2.5) and comments of an address field's
 * value as RFC 2047 encoded words, keeping every other character as it was. Non-ASCII in an address itself
 * (SMTPUTF8) has no 7-bit form: then there is no rewrite.
 */
final class AddressPhrases {

    private enum Kind { SPACE, WORD, QUOTED, COMMENT, ANGLE, SPECIAL }

    private record Token(Kind kind, String text) {
        boolean ascii() {
            return text.chars().allMatch(c -> c < 128);
        }
    }

    private AddressPhrases() {
    }

    /** The value with its phrases and comments in 7-bit; empty if it cannot be written in 7-bit. */
    static Optional<String> encode(String value) {
        Optional<List<Token>> parsed = tokens(value);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        List<Token> tokens = parsed.get();
        StringBuilder out = new StringBuilder(value.length() + 32);
        int i = 0;
        while (i < tokens.size()) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.WORD || token.kind() == Kind.QUOTED) {
                int end = i;
                while (end < tokens.size() && (tokens.get(end).kind() == Kind.WORD
                        || tokens.get(end).kind() == Kind.QUOTED || tokens.get(end).kind() == Kind.SPACE)) {
                    end++;
                }
                List<Token> run = tokens.subList(i, end);
                if (run.stream().allMatch(Token::ascii)) {
                    run.forEach(t -> out.append(t.text()));
                } else if (isPhrase(tokens, end)) {
                    int last = end;
                    while (tokens.get(last - 1).kind() == Kind.SPACE) {
                        last--;
                    }
                    out.append(EncoderUtil.encodeAddressDisplayName(phraseText(tokens.subList(i, last))));
                    tokens.subList(last, end).forEach(t -> out.append(t.text()));
                } else {
                    return Optional.empty();
                }
                i = end;
            } else if (token.ascii()) {
                out.append(token.text());
                i++;
            } else if (token.kind() == Kind.COMMENT && token.text().indexOf('(', 1) < 0 && token.text().indexOf('\\') < 0) {
                String inner = token.text().substring(1, token.text().length() - 1);
                out.append('(').append(EncoderUtil.encodeEncodedWord(inner, EncoderUtil.Usage.WORD_ENTITY)).append(')');
                i++;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString());
    }

    /** Words before an angle address or a group's colon (comments and spaces between) form a phrase. */
    private static boolean isPhrase(List<Token> tokens, int next) {
        for (int i = next; i < tokens.size(); i++) {
            Kind kind = tokens.get(i).kind();
            if (kind == Kind.ANGLE || kind == Kind.SPECIAL && tokens.get(i).text().equals(":")) {
                return true;
            }
            if (kind != Kind.SPACE && kind != Kind.COMMENT) {
                return false;
            }
        }
        return false;
    }

    /** The phrase as a reader sees it: quoted strings unquoted, words one space apart. */
    private static String phraseText(List<Token> run) {
        StringBuilder text = new StringBuilder();
        for (Token token : run) {
            if (token.kind() == Kind.SPACE) {
                text.append(' ');
            } else if (token.kind() == Kind.QUOTED) {
                String inner = token.text().substring(1, token.text().length() - 1);
                text.append(inner.replaceAll("\\\\(.)", "$1"));
            } else {
                text.append(token.text());
            }
        }
        return text.toString();
    }

    /** The value cut into tokens; empty if a quoted string, comment or angle address is not closed. */
    private static Optional<List<Token>> tokens(String value) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            int end;
            Kind kind;
            if (c == ' ' || c == '\t') {
                end = i;
                while (end < n && (value.charAt(end) == ' ' || value.charAt(end) == '\t')) {
                    end++;
                }
                kind = Kind.SPACE;
            } else if (c == '"') {
                end = closing(value, i, '"', '"');
                kind = Kind.QUOTED;
            } else if (c == '(') {
                end = closing(value, i, '(', ')');
                kind = Kind.COMMENT;
            } else if (c == '<') {
                end = value.indexOf('>', i) + 1;
                kind = Kind.ANGLE;
            } else if (c == ',' || c == ':' || c == ';') {
                end = i + 1;
                kind = Kind.SPECIAL;
            } else {
                end = i;
                while (end < n && " \t\"(<,:;".indexOf(value.charAt(end)) < 0) {
                    end++;
                }
                kind = Kind.WORD;
            }
            if (end <= i) {
                return Optional.empty();
            }
            tokens.add(new Token(kind, value.substring(i, end)));
            i = end;
        }
        return Optional.of(tokens);
    }

    /** The index after the delimiter closing the one at {@code start} (nesting for comments); 0 if none. */
    private static int closing(String value, int start, char open, char close) {
        int depth = 0;
        for (int i = start + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == close && depth == 0) {
                return i + 1;
            } else if (c == close) {
                depth--;
            } else if (c == open && open != close) {
                depth++;
            }
        }
        return 0;
    }
}
