package org.postline.protocols.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Our {@code Received:} header (RFC 5321 section 4.4), written in front of the message when DATA is accepted:
 * the client's HELO name and address, TLS version and cipher when encrypted, {@code with ESMTP[S][A]}
 * (RFC 3848), the session id, and the recipient when there is only one. Unlike James's filter it never looks
 * up the client's name in DNS, and it costs nothing per DATA line.
 */
final class ReceivedHeader {

    private final String hostName;
    private final ReceivedDates dates;

    ReceivedHeader(String hostName, ReceivedDates dates) {
        this.hostName = hostName;
        this.dates = dates;
    }

    byte[] bytes(SMTPSession session, List<MailAddress> recipients) {
        return text(session, recipients).getBytes(StandardCharsets.US_ASCII);
    }

    /** The header's lines, each ending in CRLF. */
    String text(SMTPSession session, List<MailAddress> recipients) {
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection)
                .map(Replies::printable).orElse("unknown");
        StringBuilder header = new StringBuilder(256)
                .append("Received: from ").append(helo)
                .append(" ([").append(session.getRemoteAddress().getAddress().getHostAddress()).append("])\r\n");
        session.getSSLSession().ifPresent(tls -> header.append("\t(using ").append(tls.getProtocol())
                .append(" with cipher ").append(tls.getCipherSuite()).append(")\r\n"));
        header.append("\tby ").append(hostName).append(" (Postline) with ").append(protocol(session))
                .append(" id ").append(session.getSessionID());
        if (recipients.size() == 1) {
            header.append("\r\n\tfor <").append(Replies.printable(recipients.get(0).asString())).append('>');
        }
        return header.append("; ").append(dates.now()).append("\r\n").toString();
    }

    private static String protocol(SMTPSession session) {
        boolean esmtp = session.getAttachment(SMTPSession.CURRENT_HELO_MODE, ProtocolSession.State.Connection)
                .map("EHLO"::equals).orElse(false);
        if (!esmtp) {
            return "SMTP";
        }
        return "ESMTP" + (session.isTLSStarted() ? "S" : "") + (session.getUsername() != null ? "A" : "");
    }
}
