package org.postline.container.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.Session;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postline.api.config.SpoolConfig;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.container.context.MailSubmitter;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.MailContent;
import org.postline.container.mail.MessageSource;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.processing.Pipeline;
import org.postline.container.processing.ResumePoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a spool worker does with one claimed mail, and what happens when that fails: the mail is released
 * for a durable retry after {@code retryDelay}, and once it has failed {@code maxAttempts} times it is
 * stored in the error repository with the reason and leaves the spool. Nothing is lost, nothing runs forever.
 * A mailet that defers some recipients ({@link org.postline.api.queue.DeferredDelivery}) uses the same attempts
 * and delay, for just those recipients, picking up at that mailet.
 */
public final class SpoolWorker implements QueueWorker, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolWorker.class);
    /** Envelope attribute of a deferred mail: the {@link ResumePoint} (encoded) where it picks up again. */
    static final AttributeName RESUME_AT = AttributeName.of("org.postline.container.ResumeAt");
    /** Envelope attribute: failed attempts made before the mail was spooled anew as a deferred part. */
    static final AttributeName DEFERRALS = AttributeName.of("org.postline.container.Deferrals");

    private final Spool spool;
    private final Pipeline pipeline;
    private final MailRepositories repositories;
    private final SpoolConfig config;
    private final Session session;
    private final Optional<Completions> completions;

    /** Starts the thread that removes processed mail from a spool that allows it later; {@link #close} ends it. */
    public SpoolWorker(Spool spool, Pipeline pipeline, MailRepositories repositories, SpoolConfig config, Session session) {
        this.spool = spool;
        this.pipeline = pipeline;
        this.repositories = repositories;
        this.config = config;
        this.session = session;
        this.completions = spool.completesLater() ? Optional.of(new Completions(spool, "spool")) : Optional.empty();
    }

    /** Call after the workers stopped: removes the processed mail still pending, waiting up to {@code timeout}. */
    public boolean close(Duration timeout) throws InterruptedException {
        return completions.isEmpty() || completions.get().close(timeout);
    }

    @Override
    public void close() {
        completions.ifPresent(Completions::close);
    }

    /** Runs the pipeline on the mail and removes it from the spool; any exception means "retry later". */
    @Override
    public void process(SpooledMail spooled) throws Exception {
        Optional<Long> deferred = notBefore(spooled.envelope()).filter(t -> t > System.currentTimeMillis());
        if (deferred.isPresent()) {
            spool.release(spooled.id(), "deferred by a mailet", deferred.get() - System.currentTimeMillis());
            return;
        }
        PostlineMail mail = EnvelopeMapping.toMail(spooled.envelope(),
                new SourcedMimeMessage(session, source(spooled)), Date.from(spooled.stored()));
        mail.removeAttribute(MailSubmitter.NOT_BEFORE);
        Optional<ResumePoint> resumeAt = stringAttribute(mail, RESUME_AT)
                .flatMap(encoded -> ResumePoint.decode(mail.getState(), encoded));
        mail.removeAttribute(RESUME_AT);
        int attempts = attempts(spooled);
        List<Pipeline.Deferral> parts = pipeline.process(mail, resumeAt, attempts + 1 < config.maxAttempts());
        if (parts.isEmpty()) {
            // Processing is durable (every store it wrote to synced); the row may go in a batch, off this thread.
            completions.ifPresentOrElse(batch -> batch.complete(spooled.id()), () -> spool.complete(spooled.id()));
        } else {
            defer(spooled, attempts, parts);
        }
    }

    /**
     * Keeps the deferred parts for a retry after {@code retryDelay}, and nothing else: recipients already done
     * are off the envelope. An unmodified single part changes the spool entry's envelope in one atomic step
     * (the spool counts the attempt); otherwise each part is spooled anew with its current content and the
     * attempt count in its envelope, then the entry leaves (a crash in between retries the whole mail once
     * more: at least once).
     */
    private void defer(SpooledMail spooled, int attempts, List<Pipeline.Deferral> deferred) throws MessagingException {
        String reason = deferred.stream().map(Pipeline.Deferral::reason).distinct().collect(Collectors.joining("; "));
        long delay = config.retryDelay().toMillis();
        if (deferred.size() == 1 && unmodified(deferred.get(0).mail())) {
            try {
                spool.release(spooled.id(), resumable(deferred.get(0)), reason, delay);
                return;
            } catch (UnsupportedOperationException cannotChangeEnvelope) {
                // falls through to spooling the part anew
            }
        }
        for (Pipeline.Deferral part : deferred) {
            part.mail().setAttribute(new Attribute(DEFERRALS, AttributeValue.of(attempts + 1)));
            Envelope envelope = resumable(part);
            try (Spool.Writer writer = spool.begin(envelope, Instant.now().plusMillis(delay))) {
                try (InputStream in = MailContent.open(part.mail().getMessage()); OutputStream out = writer.content()) {
                    in.transferTo(out);
                }
                writer.commit();
            } catch (IOException e) {
                throw new MessagingException("could not spool the deferred part of mail " + part.mail().getName(), e);
            }
        }
        spool.complete(spooled.id());
    }

    private static Envelope resumable(Pipeline.Deferral part) {
        part.mail().setAttribute(new Attribute(RESUME_AT, AttributeValue.of(part.resumeAt().encode())));
        part.mail().setState(part.resumeAt().state());
        return EnvelopeMapping.toEnvelope(part.mail());
    }

    private static boolean unmodified(Mail mail) throws MessagingException {
        return mail.getMessage() instanceof SourcedMimeMessage sourced && !sourced.isModified();
    }

    /** Failed attempts so far: the spool's count plus those carried over from the entry a deferred part left. */
    private static int attempts(SpooledMail spooled) {
        String json = spooled.envelope().attributes().get(DEFERRALS.asString());
        int carried = 0;
        if (json != null) {
            try {
                carried = AttributeValue.fromJsonString(json).valueAs(Integer.class).orElse(0);
            } catch (IOException | RuntimeException e) {
                carried = 0;
            }
        }
        return spooled.failedAttempts() + carried;
    }

    private static Optional<String> stringAttribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).flatMap(attribute -> attribute.getValue().valueAs(String.class));
    }

    private static Optional<Long> notBefore(Envelope envelope) {
        String json = envelope.attributes().get(MailSubmitter.NOT_BEFORE.asString());
        if (json == null) {
            return Optional.empty();
        }
        try {
            return AttributeValue.fromJsonString(json).valueAs(Long.class);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private MessageSource source(SpooledMail spooled) {
        return new MessageSource() {
            @Override
            public InputStream open() {
                return spool.open(spooled.id());
            }

            @Override
            public long size() {
                return spooled.size();
            }
        };
    }

    /** The dead-letter step: retry later, or after the last attempt keep the mail in the error repository. */
    @Override
    public void failed(SpooledMail spooled, Throwable cause) {
        String reason = cause == null ? "unknown failure" : describe(cause);
        int attempts = attempts(spooled) + 1;
        try {
            if (attempts < config.maxAttempts()) {
                LOG.warn("processing mail {} (spool id {}) failed, attempt {} of {}; retrying in {}: {}",
                        spooled.envelope().name(), spooled.id(), attempts, config.maxAttempts(), config.retryDelay(),
                        reason, cause);
                spool.release(spooled.id(), reason, config.retryDelay().toMillis());
                return;
            }
            String message = "processing failed " + attempts + " times; last failure: " + reason;
            Envelope envelope = spooled.envelope().withErrorMessage(spooled.envelope().errorMessage()
                    .map(previous -> previous + "\n" + message).orElse(message));
            String repository = pipeline.errorRepository();
            String id;
            try (InputStream content = spool.open(spooled.id())) {
                id = repositories.get(repository).store(envelope, content);
            }
            spool.complete(spooled.id());
            LOG.error("mail {} (spool id {}) gave up after {} attempts, stored in repository '{}' as {}: {}",
                    spooled.envelope().name(), spooled.id(), attempts, repository, id, reason, cause);
        } catch (IOException | RuntimeException e) {
            LOG.error("mail {} (spool id {}): handling the failure failed too; it stays in the spool",
                    spooled.envelope().name(), spooled.id(), e);
            try {
                spool.release(spooled.id(), reason + "; then: " + e, config.retryDelay().toMillis());
            } catch (RuntimeException again) {
                LOG.error("mail {} cannot be released; it becomes ready again on restart", spooled.id(), again);
            }
        }
    }

    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            out.append(": ").append(e.getMessage());
        }
        if (e.getCause() != null && e.getCause() != e) {
            out.append(" (caused by ").append(e.getCause().getClass().getSimpleName()).append(": ")
                    .append(e.getCause().getMessage()).append(")");
        }
        return out.toString();
    }
}
