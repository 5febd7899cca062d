package org.postline.protocols.pop3;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Response;

/**
 * POP3 replies. An error carrying an RFC 2449/3206 response code ({@code [AUTH]}, {@code [IN-USE]},
 * {@code [SYS/TEMP]}) is not the client's fault and does not count as a bad command.
 */
final class Pop3Replies {

    static final String AUTH = "[AUTH] ";
    static final String IN_USE = "[IN-USE] ";
    static final String SYS_TEMP = "[SYS/TEMP] ";

    private Pop3Replies() {
    }

    static POP3Response ok(String text) {
        return new POP3Response(POP3Response.OK_RESPONSE, text);
    }

    static POP3Response error(String text) {
        return new POP3Response(POP3Response.ERR_RESPONSE, text);
    }

    /** An error after which the connection is closed. */
    static POP3Response closing(String text) {
        POP3Response response = error(text);
        response.setEndSession(true);
        return response;
    }

    static boolean isError(Response response) {
        return response != null && POP3Response.ERR_RESPONSE.equals(response.getRetCode());
    }

    /** The text after "-ERR " or "+OK ", empty if none. */
    static String text(Response response) {
        var lines = response.getLines();
        if (lines.isEmpty()) {
            return "";
        }
        String first = lines.get(0).toString();
        int space = first.indexOf(' ');
        return space < 0 ? "" : first.substring(space + 1);
    }

    /** Printable ASCII only, so client-supplied text cannot break a reply or a log line. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder clean = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && i < 200; i++) {
            char c = text.charAt(i);
            clean.append(c >= 0x21 && c <= 0x7e ? c : '?');
        }
        return clean.toString();
    }
}
