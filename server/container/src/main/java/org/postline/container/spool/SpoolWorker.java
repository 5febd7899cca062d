package org.postline.container.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.Optional;
import javax.mail.Session;
import org.apache.mailet.AttributeValue;
import org.postline.api.config.SpoolConfig;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.container.context.MailSubmitter;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.MessageSource;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.processing.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a spool worker does with one claimed mail, and what happens when that fails: the mail is released
 * for a durable retry after {@code retryDelay}, and once it has failed {@code maxAttempts} times it is
 * stored in the error repository with the reason and leaves the spool. Nothing is lost, nothing runs forever.
 */
public final class SpoolWorker implements QueueWorker {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolWorker.class);

    private final Spool spool;
    private final Pipeline pipeline;
    private final MailRepositories repositories;
    private final SpoolConfig config;
    private final Session session;

    public SpoolWorker(Spool spool, Pipeline pipeline, MailRepositories repositories, SpoolConfig config, Session session) {
        this.spool = spool;
        this.pipeline = pipeline;
        this.repositories = repositories;
        this.config = config;
        this.session = session;
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
        pipeline.process(mail);
        spool.complete(spooled.id());
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
        int attempts = spooled.failedAttempts() + 1;
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
