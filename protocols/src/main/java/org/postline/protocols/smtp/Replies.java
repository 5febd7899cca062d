package org.postline.protocols.smtp;

import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/** Builds hook results and responses with an explicit code and enhanced status text. */
final class Replies {

    private Replies() {
    }

    static HookResult accept(String code, String text) {
        return result(HookReturnCode.ok(), code, text);
    }

    static HookResult reject(String code, String text) {
        return result(HookReturnCode.deny(), code, text);
    }

    static HookResult tryLater(String code, String text) {
        return result(HookReturnCode.denySoft(), code, text);
    }

    static HookResult rejectAndClose(String code, String text) {
        return result(HookReturnCode.disconnected(HookReturnCode.Action.DENY), code, text);
    }

    static SMTPResponse response(String code, String text) {
        return new SMTPResponse(code, text);
    }

    static SMTPResponse closing(String code, String text) {
        SMTPResponse response = new SMTPResponse(code, text);
        response.setEndSession(true);
        return response;
    }

    /** Printable ASCII only, so client-supplied text cannot break a reply or a header line. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            clean.append(c >= 0x21 && c <= 0x7e ? c : '?');
        }
        return clean.toString();
    }

    private static HookResult result(HookReturnCode code, String smtpCode, String text) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(text).build();
    }
}
