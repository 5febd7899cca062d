package org.postline.container.mailets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.api.queue.DsnRequest;
import org.postline.container.context.PostlineMailetContext;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.MailContent;
import org.postline.container.remote.DeliveryStatusAttribute;
import org.postline.container.remote.DsnReport;

/**
 * Sends the sender an RFC 3464 delivery status notification for the mail's recipients and (unless
 * {@code passThrough}) ends the mail. Each recipient's action, status, remote host and diagnostic come from
 * what RemoteDelivery attached; a recipient without one counts as failed with {@code defaultStatus} and the
 * mail's error message. The sender's DSN request is honoured: NOTIFY decides which recipients are reported
 * (NEVER: none), RET whether the whole message or its headers go back. Mail with the null sender is never
 * reported on. Parameters: {@code passThrough} (default true), {@code sender} (the report's From; default
 * the postmaster), {@code defaultStatus} (5.0.0), {@code attachment} (message, heads or none; default: as
 * RET asks).
 */
public class DSNBounce extends GenericMailet {

    private boolean passThrough;
    private Optional<MailAddress> from;
    private String defaultStatus;
    private Optional<DsnReport.Returned> attachment;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("passThrough", "sender", "defaultStatus", "attachment", "debug"));
        passThrough = getInitParameter("passThrough", true);
        Optional<String> sender = getInitParameterAsOptional("sender");
        from = sender.isPresent() ? Optional.of(new MailAddress(sender.get().trim())) : Optional.empty();
        defaultStatus = getInitParameter("defaultStatus", "5.0.0").trim();
        if (!defaultStatus.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new MailetException("defaultStatus must be a status code like 5.0.0, not \"" + defaultStatus + "\"");
        }
        String returned = getInitParameter("attachment", "").trim().toLowerCase(Locale.ROOT);
        attachment = switch (returned) {
            case "" -> Optional.empty();
            case "message", "all" -> Optional.of(DsnReport.Returned.FULL);
            case "heads", "headers" -> Optional.of(DsnReport.Returned.HEADERS);
            case "none" -> Optional.of(DsnReport.Returned.NONE);
            default -> throw new MailetException("attachment must be message, heads or none, not \"" + returned + "\"");
        };
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        try {
            if (!mail.hasSender()) {
                getMailetContext().getLogger().info("mail {} has the null sender; no delivery report is sent",
                        mail.getName());
                return;
            }
            report(mail);
        } finally {
            if (!passThrough) {
                mail.setState(Mail.GHOST);
            }
        }
    }

    private void report(Mail mail) throws MessagingException {
        Map<String, DeliveryStatusAttribute.Entry> statuses = DeliveryStatusAttribute.read(mail);
        DsnRequest dsn = EnvelopeMapping.toDsnRequest(mail.dsnParameters());
        String errorMessage = mail.getErrorMessage() == null ? "delivery failed" : mail.getErrorMessage();
        List<DsnReport.Recipient> blocks = new ArrayList<>();
        String mainAction = "failed";
        for (MailAddress recipient : mail.getRecipients()) {
            String address = recipient.asString();
            DeliveryStatusAttribute.Entry entry = statuses.getOrDefault(address.toLowerCase(Locale.ROOT),
                    new DeliveryStatusAttribute.Entry("failed", defaultStatus, Optional.empty(),
                            Optional.of("x-postline; " + errorMessage.replace('\n', ' ')), Optional.empty()));
            String notify = switch (entry.action()) {
                case "failed" -> "FAILURE";
                case "delayed" -> "DELAY";
                default -> "SUCCESS";
            };
            if (DeliveryStatusAttribute.wanted(dsn, address, notify)) {
                mainAction = blocks.isEmpty() ? entry.action() : mainAction;
                blocks.add(new DsnReport.Recipient(address, DeliveryStatusAttribute.originalRecipient(dsn, address),
                        entry.action(), entry.status(), entry.remoteMta(), entry.diagnostic(), entry.willRetryUntil()));
            }
        }
        if (blocks.isEmpty()) {
            getMailetContext().getLogger().info("mail {}: no recipient asked for a delivery report", mail.getName());
            return;
        }
        MailAddress reportFrom = from.orElse(getMailetContext().getPostmaster());
        Session session = getMailetContext() instanceof PostlineMailetContext ours ? ours.session()
                : Session.getInstance(new Properties());
        String reportingMta = getMailetContext() instanceof PostlineMailetContext ours ? ours.hostName()
                : reportFrom.getDomain().asString();
        Instant arrival = DeliveryStatusAttribute.arrival(mail).orElse(
                mail.getLastUpdated() == null ? Instant.now() : mail.getLastUpdated().toInstant());
        MimeMessage report = DsnReport.build(session, reportingMta,
                reportFrom.toInternetAddress().orElseThrow(() -> new MessagingException("bad sender " + reportFrom)),
                mail.getSender().asString(), dsn.envId(), arrival, blocks, MailContent.bytes(mail.getMessage()),
                attachment.orElse(DeliveryStatusAttribute.returned(dsn, mainAction)));
        getMailetContext().sendMail(null, List.of(mail.getSender()), report);
        getMailetContext().getLogger().info("mail {}: {} report sent to {} for {}", mail.getName(), mainAction,
                mail.getSender().asString(), blocks.stream().map(DsnReport.Recipient::finalRecipient).toList());
    }

    @Override
    public String getMailetInfo() {
        return "DSNBounce: sends the sender an RFC 3464 delivery status notification";
    }
}
