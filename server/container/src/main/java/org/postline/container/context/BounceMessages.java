package org.postline.container.context;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.postline.container.mail.MailContent;

/** Builds the non-delivery report that {@code MailetContext.bounce} sends (RFC 3464 multipart/report). */
public final class BounceMessages {

    /** How much of the original goes back to the sender. */
    public enum Returned { MESSAGE, HEADERS, NONE }

    private BounceMessages() {
    }

    static MimeMessage build(Session session, Mail original, String explanation, MailAddress from, String reportingMta,
                             Returned returned) throws MessagingException {
        MimeMessage report = new MimeMessage(session);
        report.setFrom(from.toInternetAddress().orElseThrow(() -> new MessagingException("bad bouncer address " + from)));
        report.setRecipient(javax.mail.Message.RecipientType.TO, new InternetAddress(original.getMaybeSender().asString()));
        String subject = original.getMessage().getSubject();
        report.setSubject("Undelivered mail returned to sender" + (subject == null ? "" : ": " + subject), "UTF-8");
        report.setSentDate(new Date());
        report.setHeader("Auto-Submitted", "auto-replied");

        MimeBodyPart text = new MimeBodyPart();
        text.setText("Your message could not be delivered to one or more recipients:\n\n"
                + String.join("\n", original.getRecipients().stream().map(MailAddress::asString).toList())
                + "\n\nReason: " + (explanation == null ? "not given" : explanation) + "\n", "UTF-8");

        StringBuilder status = new StringBuilder("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        status.append("Arrival-Date: ").append(new javax.mail.internet.MailDateFormat().format(
                original.getLastUpdated() == null ? new Date() : original.getLastUpdated())).append("\r\n");
        for (MailAddress recipient : original.getRecipients()) {
            status.append("\r\nFinal-Recipient: rfc822; ").append(recipient.asString()).append("\r\n")
                    .append("Action: failed\r\nStatus: 5.0.0\r\n");
        }
        MimeBodyPart delivery = new MimeBodyPart();
        delivery.setDataHandler(new DataHandler(new ByteArrayDataSource(
                status.toString().getBytes(StandardCharsets.US_ASCII), "message/delivery-status")));

        MimeMultipart multipart = new ReportMultipart();
        multipart.addBodyPart(text);
        multipart.addBodyPart(delivery);
        if (returned == Returned.MESSAGE) {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(
                    MailContent.bytes(original.getMessage()), "message/rfc822")));
            multipart.addBodyPart(part);
        } else if (returned == Returned.HEADERS) {
            StringBuilder headers = new StringBuilder();
            var lines = original.getMessage().getAllHeaderLines();
            while (lines.hasMoreElements()) {
                headers.append(lines.nextElement()).append("\r\n");
            }
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(
                    headers.toString().getBytes(StandardCharsets.UTF_8), "text/rfc822-headers")));
            multipart.addBodyPart(part);
        }
        report.setContent(multipart);
        report.saveChanges();
        return report;
    }

    /** multipart/report with report-type=delivery-status (MimeMultipart only takes a bare subtype). */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() {
            super("report");
            contentType = contentType + "; report-type=delivery-status";
        }
    }
}
