package org.postline.protocols.smtp;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;

/**
 * Puts our {@code Received:} header (RFC 5321 section 4.4) in front of the message: the client's HELO name
 * and address, TLS version and cipher when encrypted, {@code with ESMTP[S][A]} (RFC 3848), the session id,
 * and the recipient when there is only one. Unlike James's filter it never looks up the client's name in DNS.
 */
final class ReceivedHeaderFilter implements DataLineFilter {

    private static final ProtocolSession.AttachmentKey<Boolean> ADDED =
            ProtocolSession.AttachmentKey.of("POSTLINE_RECEIVED_ADDED", Boolean.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private final String hostName;

    ReceivedHeaderFilter(String hostName) {
        this.hostName = hostName;
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (session.getAttachment(ADDED, ProtocolSession.State.Transaction).isEmpty()) {
            session.setAttachment(ADDED, Boolean.TRUE, ProtocolSession.State.Transaction);
            for (String headerLine : header(session)) {
                Response response = next.onLine(session, (headerLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
                if (response != null) {
                    return response;
                }
            }
        }
        return next.onLine(session, line);
    }

    List<String> header(SMTPSession session) {
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection)
                .map(Replies::printable).orElse("unknown");
        String ip = session.getRemoteAddress().getAddress().getHostAddress();
        List<String> lines = new ArrayList<>();
        lines.add("Received: from " + helo + " ([" + ip + "])");
        session.getSSLSession().ifPresent(tls ->
                lines.add("\t(using " + tls.getProtocol() + " with cipher " + tls.getCipherSuite() + ")"));
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction)
                .orElse(List.of());
        String by = "\tby " + hostName + " (Postline) with " + protocol(session) + " id " + session.getSessionID();
        String date = DATE.format(ZonedDateTime.now());
        if (recipients.size() == 1) {
            lines.add(by);
            lines.add("\tfor <" + Replies.printable(recipients.get(0).asString()) + ">; " + date);
        } else {
            lines.add(by + "; " + date);
        }
        return lines;
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
