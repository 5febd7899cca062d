package org.postline.container.remote;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.MailetContext;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.spool.QueueWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one queued mail: one SMTP transaction per destination domain, then settles it. Delivered
 * recipients leave the mail; permanently failed ones are reported to the sender (through the bounce
 * processor, or directly); deferred ones stay queued until the next retry of the schedule, unless retries or
 * the maximum age are used up, which makes them failures. A report that cannot be sent keeps its recipients
 * queued, so no failure goes unreported and nothing is delivered twice.
 */
final class OutgoingWorker implements QueueWorker {

    private static final Logger LOG = LoggerFactory.getLogger(OutgoingWorker.class);
    /** Envelope attribute: a delay warning went out already. */
    static final String DELAY_WARNED = "org.postline.remote.DelayWarned";

    private final DeliveryConfig config;
    private final Spool queue;
    private final SmtpDelivery smtp;
    private final MailetContext context;
    private final Session session;
    private final String reportingMta;
    private final MailRepositories repositories;
    private final String errorRepository;
    private final Clock clock;

    OutgoingWorker(DeliveryConfig config, Spool queue, SmtpDelivery smtp, MailetContext context, Session session,
                   String reportingMta, MailRepositories repositories, String errorRepository, Clock clock) {
        this.config = config;
        this.queue = queue;
        this.smtp = smtp;
        this.context = context;
        this.session = session;
        this.reportingMta = reportingMta;
        this.repositories = repositories;
        this.errorRepository = errorRepository;
        this.clock = clock;
    }

    @Override
    public void process(SpooledMail queued) throws IOException, MessagingException {
        Envelope envelope = queued.envelope();
        byte[] bytes;
        try (InputStream in = queue.open(queued.id())) {
            bytes = in.readAllBytes();
        }
        OutgoingContent content = new OutgoingContent(envelope.name(), bytes);
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        List<RecipientResult> results = new ArrayList<>();
        for (String recipient : envelope.recipients()) {
            String domain = RecipientResult.domainOf(recipient);
            if (domain.isEmpty()) {
                results.add(RecipientResult.permanent(recipient, "5.1.3", "not a mail address: " + recipient));
            } else {
                byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add(recipient);
            }
        }
        byDomain.forEach((domain, recipients) ->
                results.addAll(smtp.deliver(domain, envelope.sender(), recipients, content)));
        settle(queued, bytes, results);
    }

    private void settle(SpooledMail queued, byte[] bytes, List<RecipientResult> results) {
        Envelope envelope = queued.envelope();
        Instant now = clock.instant();
        Instant deadline = queued.stored().plus(config.maxAge());
        int retries = queued.failedAttempts();
        List<RecipientResult> delivered = new ArrayList<>();
        List<RecipientResult> failed = new ArrayList<>();
        List<RecipientResult> deferred = new ArrayList<>();
        for (RecipientResult result : results) {
            switch (result.outcome()) {
                case DELIVERED -> delivered.add(result);
                case PERMANENT -> failed.add(result);
                case TEMPORARY -> deferred.add(result);
            }
        }
        Optional<Duration> delay = Optional.empty();
        if (!deferred.isEmpty()) {
            Optional<Duration> next = config.schedule().delayAfter(retries);
            if (next.isPresent() && now.isBefore(deadline)) {
                Duration left = Duration.between(now, deadline);
                delay = Optional.of(next.get().compareTo(left) > 0 ? left : next.get());
            } else {
                String why = next.isEmpty() ? "gave up after " + (retries + 1) + " attempts"
                        : "gave up: queued longer than " + Durations.format(config.maxAge());
                deferred.forEach(r -> failed.add(r.givenUp(why)));
                deferred.clear();
            }
        }
        String name = envelope.name() + " (queue id " + queued.id() + ")";
        delivered.forEach(r -> LOG.info("mail {} to <{}>: delivered to {} ({})", name, r.recipient(),
                r.remoteMta().orElse("?"), r.detail()));
        Optional<Duration> finalDelay = delay;
        deferred.forEach(r -> LOG.info("mail {} to <{}>: deferred, next try in {} (status {}: {})", name,
                r.recipient(), Durations.format(finalDelay.orElseThrow()), r.status(), r.detail()));
        failed.forEach(r -> LOG.warn("mail {} to <{}>: failed (status {}: {})", name, r.recipient(), r.status(),
                r.detail()));

        List<String> remaining = new ArrayList<>(deferred.stream().map(RecipientResult::recipient).toList());
        if (!failed.isEmpty() && !report(queued, bytes, "failed", "FAILURE", failed, Optional.empty())) {
            failed.forEach(r -> remaining.add(r.recipient()));
            delay = delay.or(() -> Optional.of(config.schedule().delayAfter(retries).orElse(config.schedule().shortest())));
        }
        if (!delivered.isEmpty()) {
            report(queued, bytes, "relayed", "SUCCESS", delivered, Optional.empty());
        }
        boolean warned = envelope.attributes().containsKey(DELAY_WARNED);
        if (!deferred.isEmpty() && !warned && config.delayWarning().isPresent()
                && !now.isBefore(queued.stored().plus(config.delayWarning().get()))) {
            warned = report(queued, bytes, "delayed", "DELAY", deferred, Optional.of(deadline));
        }
        if (remaining.isEmpty()) {
            queue.complete(queued.id());
            return;
        }
        Map<String, String> attributes = new HashMap<>(envelope.attributes());
        if (warned) {
            AttributeValue.of(true).toJson().ifPresent(json -> attributes.put(DELAY_WARNED, json.toString()));
        }
        Envelope rest = new Envelope(envelope.name(), envelope.sender(), remaining, envelope.state(),
                envelope.errorMessage(), attributes, envelope.session(), envelope.dsn());
        String reason = deferred.isEmpty() ? "the delivery report could not be sent"
                : deferred.get(0).status() + " " + deferred.get(0).detail();
        queue.release(queued.id(), rest, reason, delay.orElseThrow().toMillis());
    }

    /**
     * Sends the sender a report on these recipients, those whose NOTIFY asks for it; true when done (or
     * nothing was to be sent), false when it could not be put into the spool.
     */
    private boolean report(SpooledMail queued, byte[] bytes, String action, String notify,
                           List<RecipientResult> results, Optional<Instant> willRetryUntil) {
        Envelope envelope = queued.envelope();
        if (envelope.sender().isEmpty()) {
            LOG.info("mail {} has the null sender: no {} report", envelope.name(), action);
            return true;
        }
        List<RecipientResult> wanted = results.stream()
                .filter(r -> DeliveryStatusAttribute.wanted(envelope.dsn(), r.recipient(), notify)).toList();
        if (wanted.isEmpty()) {
            return true;
        }
        try {
            if (config.bounceProcessor().isPresent()) {
                toBounceProcessor(queued, bytes, action, wanted, willRetryUntil);
            } else {
                directReport(queued, bytes, action, wanted, willRetryUntil);
            }
            return true;
        } catch (MessagingException | RuntimeException e) {
            LOG.error("mail {}: the {} report to <{}> could not be sent; tried again later", envelope.name(), action,
                    envelope.sender().get(), e);
            return false;
        }
    }

    private void toBounceProcessor(SpooledMail queued, byte[] bytes, String action, List<RecipientResult> wanted,
                                   Optional<Instant> willRetryUntil) throws MessagingException {
        Envelope envelope = queued.envelope();
        List<String> recipients = wanted.stream().map(RecipientResult::recipient).toList();
        PostlineMail mail = EnvelopeMapping.toMail(envelope.withRecipients(recipients),
                SourcedMimeMessage.of(session, bytes), Date.from(queued.stored()));
        mail.setName(envelope.name() + "-" + action);
        mail.setErrorMessage(wanted.stream().map(r -> r.recipient() + ": " + r.status() + " " + r.detail())
                .collect(Collectors.joining("\n")));
        Map<String, DeliveryStatusAttribute.Entry> entries = new LinkedHashMap<>();
        wanted.forEach(r -> entries.put(r.recipient(), DeliveryStatusAttribute.Entry.of(action, r, willRetryUntil)));
        mail.setAttribute(DeliveryStatusAttribute.write(entries));
        mail.setAttribute(DeliveryStatusAttribute.arrival(queued.stored()));
        context.sendMail(mail, config.bounceProcessor().orElseThrow());
    }

    private void directReport(SpooledMail queued, byte[] bytes, String action, List<RecipientResult> wanted,
                              Optional<Instant> willRetryUntil) throws MessagingException {
        Envelope envelope = queued.envelope();
        List<DsnReport.Recipient> blocks = wanted.stream().map(r -> new DsnReport.Recipient(r.recipient(),
                DeliveryStatusAttribute.originalRecipient(envelope.dsn(), r.recipient()), action, r.status(),
                r.remoteMta(), Optional.of(r.diagnostic()), willRetryUntil)).toList();
        MailAddress sender = new MailAddress(envelope.sender().orElseThrow());
        MimeMessage report = DsnReport.build(session, reportingMta,
                context.getPostmaster().toInternetAddress().orElseThrow(), sender.asString(), envelope.dsn().envId(),
                queued.stored(), blocks, bytes, DeliveryStatusAttribute.returned(envelope.dsn(), action));
        context.sendMail(null, List.of(sender), report);
    }

    /** Something other than SMTP failed (the store, a bug): retry on the schedule, at the end keep the mail. */
    @Override
    public void failed(SpooledMail queued, Throwable cause) {
        String reason = cause == null ? "unknown failure" : Connector.describe(cause);
        Envelope envelope = queued.envelope();
        try {
            Optional<Duration> next = config.schedule().delayAfter(queued.failedAttempts());
            if (next.isPresent() && clock.instant().isBefore(queued.stored().plus(config.maxAge()))) {
                LOG.warn("delivering mail {} (queue id {}) failed; retrying in {}: {}", envelope.name(), queued.id(),
                        Durations.format(next.get()), reason, cause);
                queue.release(queued.id(), reason, next.get().toMillis());
                return;
            }
            String id;
            try (InputStream content = queue.open(queued.id())) {
                id = repositories.get(errorRepository).store(envelope.withErrorMessage(
                        "remote delivery failed " + (queued.failedAttempts() + 1) + " times: " + reason), content);
            }
            queue.complete(queued.id());
            LOG.error("mail {} (queue id {}) gave up remote delivery, kept in repository '{}' as {}: {}",
                    envelope.name(), queued.id(), errorRepository, id, reason, cause);
        } catch (IOException | RuntimeException e) {
            LOG.error("mail {} (queue id {}): handling the failure failed too; it stays queued", envelope.name(),
                    queued.id(), e);
            try {
                queue.release(queued.id(), reason + "; then: " + e, config.schedule().shortest().toMillis());
            } catch (RuntimeException again) {
                LOG.error("mail {} cannot be released; it becomes ready again on restart", queued.id(), again);
            }
        }
    }
}
