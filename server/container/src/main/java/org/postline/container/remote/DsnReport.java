package org.postline.container.remote;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.activation.DataHandler;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;
import org.postline.mailets.mime.SevenBitConverter;

/**
 * A delivery status notification (RFC 3464): multipart/report with a text for people, a
 * message/delivery-status part with one block per recipient, and the original message (or only its headers,
 * RFC 6522 text/rfc822-headers) as the sender's RET asked.
 */
public final class DsnReport {

    /** How much of the original goes back. */
    public enum Returned { FULL, HEADERS, NONE }

    /**
     * One recipient's block.
     *
     * @param action         failed, delayed, delivered, relayed or expanded (RFC 3464 section 2.3.3)
     * @param originalRecipient the ORCPT value as given ({@code rfc822;a@example.net}), if any
     * @param diagnostic     a Diagnostic-Code value ({@code smtp; 550 ...}), if any
     */
    public record Recipient(String finalRecipient, Optional<String> originalRecipient, String action, String status,
                            Optional<String> remoteMta, Optional<String> diagnostic, Optional<Instant> willRetryUntil) {
    }

    private DsnReport() {
    }

    /**
     * @param from     the report's From: (the postmaster); its envelope sender is always the null sender
     * @param to       the original envelope sender
     * @param envId    the ENVID given at MAIL FROM, if any
     * @param original the original message as it was queued
     */
    public static MimeMessage build(Session session, String reportingMta, InternetAddress from, String to,
                                    Optional<String> envId, Instant arrival, List<Recipient> recipients,
                                    byte[] original, Returned returned) throws MessagingException {
        boolean failed = recipients.stream().anyMatch(r -> r.action().equals("failed"));
        boolean delayed = !failed && recipients.stream().anyMatch(r -> r.action().equals("delayed"));
        MimeMessage report = new MimeMessage(session);
        report.setFrom(withName(from));
        report.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        report.setSubject(failed ? "Undelivered Mail Returned to Sender"
                : delayed ? "Delayed Mail (still being retried)" : "Successful Mail Delivery Report", "UTF-8");
        report.setSentDate(new Date());
        report.setHeader("Auto-Submitted", "auto-replied");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(humanText(reportingMta, recipients, failed, delayed), "UTF-8");

        MimeBodyPart status = new MimeBodyPart();
        status.setDataHandler(new DataHandler(new ByteArrayDataSource(
                deliveryStatus(reportingMta, envId, arrival, recipients).getBytes(StandardCharsets.US_ASCII),
                "message/delivery-status")));
        status.setHeader("Content-Type", "message/delivery-status");
        status.setHeader("Content-Transfer-Encoding", "7bit");

        MimeBodyPart returnedPart = returned == Returned.NONE ? null : new MimeBodyPart();
        if (returned == Returned.FULL) {
            returnedPart.setDataHandler(new DataHandler(new ByteArrayDataSource(original, "message/rfc822")));
            returnedPart.setHeader("Content-Type", "message/rfc822");
            returnedPart.setHeader("Content-Transfer-Encoding", SevenBitConverter.has8Bit(original) ? "8bit" : "7bit");
        } else if (returned == Returned.HEADERS) {
            byte[] headers = headersOf(original);
            returnedPart.setDataHandler(new DataHandler(new ByteArrayDataSource(headers, "text/rfc822-headers")));
            returnedPart.setHeader("Content-Type", "text/rfc822-headers");
            returnedPart.setHeader("Content-Transfer-Encoding", SevenBitConverter.has8Bit(headers) ? "8bit" : "7bit");
        }

        MimeMultipart multipart = new ReportMultipart();
        multipart.addBodyPart(text);
        multipart.addBodyPart(status);
        if (returnedPart != null) {
            multipart.addBodyPart(returnedPart);
        }
        report.setContent(multipart);
        report.saveChanges();
        return report;
    }

    private static InternetAddress withName(InternetAddress from) {
        try {
            return new InternetAddress(from.getAddress(),
                    from.getPersonal() == null ? "Mail Delivery System" : from.getPersonal(), "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            return from;
        }
    }

    private static String humanText(String reportingMta, List<Recipient> recipients, boolean failed, boolean delayed) {
        StringBuilder out = new StringBuilder("This is the mail system at host ").append(reportingMta).append(".\n\n");
        if (failed) {
            out.append("Your message could not be delivered to one or more recipients. It is attached below.\n");
        } else if (delayed) {
            out.append("Your message could not be delivered yet. The mail system will keep trying; you need not"
                    + " send it again.\n");
        } else {
            out.append("Your message was handed on to the recipients' mail systems, which may not send further"
                    + " notices.\n");
        }
        out.append('\n');
        for (Recipient r : recipients) {
            out.append("<").append(r.finalRecipient()).append(">: ").append(r.action());
            r.diagnostic().ifPresent(d -> out.append(": ").append(d.substring(d.indexOf(';') + 1).trim()));
            r.willRetryUntil().ifPresent(until -> out.append(" (will retry until ")
                    .append(new MailDateFormat().format(Date.from(until))).append(')'));
            out.append('\n');
        }
        return out.toString();
    }

    static String deliveryStatus(String reportingMta, Optional<String> envId, Instant arrival, List<Recipient> recipients) {
        MailDateFormat dates = new MailDateFormat();
        StringBuilder out = new StringBuilder();
        out.append("Reporting-MTA: dns; ").append(ascii(reportingMta)).append("\r\n");
        envId.ifPresent(id -> out.append("Original-Envelope-Id: ").append(ascii(id)).append("\r\n"));
        out.append("Arrival-Date: ").append(dates.format(Date.from(arrival))).append("\r\n");
        for (Recipient r : recipients) {
            out.append("\r\n");
            r.originalRecipient().ifPresent(o -> out.append("Original-Recipient: ").append(ascii(o)).append("\r\n"));
            out.append("Final-Recipient: rfc822; ").append(ascii(r.finalRecipient())).append("\r\n");
            out.append("Action: ").append(r.action()).append("\r\n");
            out.append("Status: ").append(r.status()).append("\r\n");
            r.remoteMta().ifPresent(m -> out.append("Remote-MTA: dns; ").append(ascii(m)).append("\r\n"));
            r.diagnostic().ifPresent(d -> out.append("Diagnostic-Code: ").append(ascii(d)).append("\r\n"));
            out.append("Last-Attempt-Date: ").append(dates.format(new Date())).append("\r\n");
            r.willRetryUntil().ifPresent(until -> out.append("Will-Retry-Until: ")
                    .append(dates.format(Date.from(until))).append("\r\n"));
        }
        return out.toString();
    }

    /** The header block of a message: everything before the first empty line. */
    static byte[] headersOf(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && (message[i + 1] == '\n'
                    || (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n'))) {
                return java.util.Arrays.copyOf(message, i + 1);
            }
        }
        return message.clone();
    }

    /** Printable ASCII on one line: a field value must not break the report's structure. */
    private static String ascii(String value) {
        return DeliveryTransport.clean(value);
    }

    /** multipart/report with report-type=delivery-status (MimeMultipart only takes a bare subtype). */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() {
            super("report");
            contentType = contentType + "; report-type=delivery-status";
        }
    }
}
