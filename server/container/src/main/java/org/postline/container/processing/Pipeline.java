package org.postline.container.processing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.postline.api.StoreException;
import org.postline.api.queue.DeferredDelivery;
import org.postline.api.queue.MailRepositories;
import org.postline.container.mail.MailContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor fold, in plain Java (DESIGN.md section 4). For each pair the matcher picks recipients; none
 * means no match; all means the mailet runs on the mail; some means the mail is split: a duplicate with the
 * matched recipients (same state) goes through the mailet, the original continues with the rest. Each
 * mailet therefore runs once per recipient set. After a mailet: no recipients left or state {@code ghost}
 * = done; a new state = continue in that processor on this thread; else the next pair.
 * <p>A matcher or mailet failure follows the pair's policy, except a failure of the store, which always
 * propagates so the spool retries the mail.
 * <p>No mail vanishes: falling off the end of a processor sends it to {@code error}; falling off the end of
 * {@code error}, failing inside {@code error}, or hopping between processors more than {@link #MAX_HOPS}
 * times stores it in the error repository.
 */
public final class Pipeline {

    /** Processor entries one mail may make before it is taken for a loop. */
    public static final int MAX_HOPS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final Map<String, Processor> processors;
    private final MailRepositories repositories;
    private final String errorRepository;
    private final List<Object> components;

    /**
     * @param components every mailet and matcher instance, each once, destroyed by {@link #destroy()}
     */
    public Pipeline(Map<String, Processor> processors, MailRepositories repositories, String errorRepository,
                    List<Object> components) {
        this.processors = Map.copyOf(processors);
        this.repositories = repositories;
        this.errorRepository = errorRepository;
        this.components = List.copyOf(components);
    }

    public Set<String> states() {
        return processors.keySet();
    }

    public String errorRepository() {
        return errorRepository;
    }

    /** A mail on its way: where it resumes and how many processor entries it has left. */
    private record Journey(Mail mail, int nextPair, int hopsLeft) {
    }

    /**
     * A mail (or a part split from it) whose mailet threw {@link DeferredDelivery}: it holds the recipients
     * still to do and should run again later from {@code resumeAt}.
     */
    public record Deferral(Mail mail, ResumePoint resumeAt, String reason) {
    }

    /**
     * Runs the mail, and every mail split from it, until each is done or stored.
     *
     * @throws MessagingException when a pair's policy is {@code propagate} or storing in the error repository
     *                            fails; the caller then retries the whole mail
     */
    public void process(Mail mail) throws MessagingException {
        process(mail, Optional.empty(), false);
    }

    /**
     * As {@link #process(Mail)}, starting at {@code resumeAt} when it still names a pair of this pipeline (else
     * at the start of the mail's processor). With {@code mayDefer}, a mailet throwing {@link DeferredDelivery}
     * ends that part's journey and the part is returned; without, the throw is an ordinary mailet failure.
     */
    public List<Deferral> process(Mail mail, Optional<ResumePoint> resumeAt, boolean mayDefer) throws MessagingException {
        List<Deferral> deferred = mayDefer ? new ArrayList<>() : null;
        Deque<Journey> pending = new ArrayDeque<>();
        pending.push(new Journey(mail, resumeAt.map(point -> resumeIndex(mail, point)).orElse(0), MAX_HOPS));
        while (!pending.isEmpty()) {
            run(pending.pop(), pending, deferred);
        }
        return deferred == null ? List.of() : deferred;
    }

    private int resumeIndex(Mail mail, ResumePoint point) {
        Processor processor = processors.get(mail.getState());
        if (processor == null || !processor.state().equals(point.state()) || point.pair() >= processor.pairs().size()
                || !processor.pairs().get(point.pair()).where().equals(point.where())) {
            LOG.info("mail {}: the pipeline changed since it was deferred at {}; it starts over in '{}'",
                    mail.getName(), point.where(), mail.getState());
            return 0;
        }
        return point.pair();
    }

    private void run(Journey journey, Deque<Journey> pending, List<Deferral> deferred) throws MessagingException {
        Mail mail = journey.mail();
        int index = journey.nextPair();
        int hopsLeft = journey.hopsLeft();
        while (!isDone(mail)) {
            Processor processor = processors.get(mail.getState());
            if (processor == null) {
                divert(mail, Mail.ERROR, "no processor named '" + mail.getState() + "'");
                index = 0;
                continue;
            }
            if (index == 0 && hopsLeft-- <= 0) {
                storeAsLastResort(mail, "processing loop: more than " + MAX_HOPS + " processor entries");
                return;
            }
            index = runPairs(processor, mail, index, hopsLeft, pending, deferred);
            if (index == FELL_OFF) {
                if (Mail.ERROR.equals(processor.state())) {
                    storeAsLastResort(mail, "reached the end of the error processor");
                    return;
                }
                divert(mail, Mail.ERROR, "reached the end of processor '" + processor.state()
                        + "' without being sent anywhere; its last pair should be a catch-all");
                index = 0;
            } else if (index == LAST_RESORT_DONE) {
                return;
            }
        }
        mail.setState(Mail.GHOST);
    }

    private static final int FELL_OFF = -1;
    private static final int LAST_RESORT_DONE = -2;

    /** Runs pairs from {@code start}; returns 0 when the mail moved to another processor (or is done), FELL_OFF at the end. */
    private int runPairs(Processor processor, Mail mail, int start, int hopsLeft, Deque<Journey> pending,
                         List<Deferral> deferred) throws MessagingException {
        List<MatcherMailetPair> pairs = processor.pairs();
        for (int i = start; i < pairs.size(); i++) {
            MatcherMailetPair pair = pairs.get(i);
            Collection<MailAddress> matched;
            try {
                matched = matched(pair.matcher().match(mail), mail.getRecipients());
            } catch (Exception | LinkageError e) {
                rethrowIfStoreFailure(pair, "matcher", e);
                MatchFailurePolicy policy = pair.onMatchException();
                switch (policy.kind()) {
                    case NO_MATCH -> matched = List.of();
                    case MATCH_ALL -> matched = List.copyOf(mail.getRecipients());
                    case PROPAGATE -> throw failure(pair, "matcher", e);
                    default -> {
                        LOG.warn("{}: matcher failed on mail {}", pair.where(), mail.getName(), e);
                        return afterFailure(mail, policy.processor().orElseThrow(), pair, "matcher", e);
                    }
                }
                LOG.warn("{}: matcher failed on mail {} (onMatchException={})", pair.where(), mail.getName(),
                        policy.kind(), e);
            }
            if (matched.isEmpty()) {
                continue;
            }
            if (matched.size() == mail.getRecipients().size()) {
                String before = mail.getState();
                if (!runMailet(pair, mail, new ResumePoint(processor.state(), i, pair.where()), deferred)) {
                    return LAST_RESORT_DONE;
                }
                if (isDone(mail) || !before.equals(mail.getState())) {
                    return 0;
                }
                continue;
            }
            Mail split = mail.duplicate();
            List<MailAddress> rest = new ArrayList<>(mail.getRecipients());
            rest.removeAll(matched);
            split.setRecipients(matched);
            mail.setRecipients(rest);
            String before = split.getState();
            if (runMailet(pair, split, new ResumePoint(processor.state(), i, pair.where()), deferred)
                    && !isDone(split)) {
                pending.push(new Journey(split, before.equals(split.getState()) ? i + 1 : 0, hopsLeft));
            }
        }
        return FELL_OFF;
    }

    /** The matched recipients that are recipients of the mail, in the mail's order; null means none. */
    private static Collection<MailAddress> matched(Collection<MailAddress> result, Collection<MailAddress> recipients) {
        if (result == null || result.isEmpty()) {
            return List.of();
        }
        Set<MailAddress> wanted = new HashSet<>(result);
        return recipients.stream().filter(wanted::contains).toList();
    }

    /** @return false when the mail ended in the error repository or was deferred */
    private boolean runMailet(MatcherMailetPair pair, Mail mail, ResumePoint here, List<Deferral> deferred)
            throws MessagingException {
        try {
            pair.mailet().service(mail);
            return true;
        } catch (Exception | LinkageError e) {
            Optional<DeferredDelivery> deferral = deferred == null ? Optional.empty() : deferralIn(e);
            if (deferral.isPresent() && !isDone(mail)) {
                LOG.info("{}: mail {} deferred for {}: {}", pair.where(), mail.getName(), mail.getRecipients(),
                        describe(deferral.get()));
                deferred.add(new Deferral(mail, here, describe(deferral.get())));
                return false;
            }
            rethrowIfStoreFailure(pair, "mailet", e);
            MailetFailurePolicy policy = pair.onMailetException();
            switch (policy.kind()) {
                case IGNORE -> {
                    LOG.warn("{}: mailet failed on mail {}; ignored (onMailetException=ignore)", pair.where(), mail.getName(), e);
                    return true;
                }
                case PROPAGATE -> throw failure(pair, "mailet", e);
                default -> {
                    LOG.warn("{}: mailet failed on mail {}", pair.where(), mail.getName(), e);
                    return afterFailure(mail, policy.processor().orElseThrow(), pair, "mailet", e) != LAST_RESORT_DONE;
                }
            }
        }
    }

    /** Moves a mail whose matcher or mailet failed to the policy's processor; never from error back into error. */
    private int afterFailure(Mail mail, String target, MatcherMailetPair pair, String what, Throwable e)
            throws MessagingException {
        String reason = pair.where() + ": " + what + " failed: " + describe(e);
        mail.setAttribute(new Attribute(Mail.MAILET_ERROR, AttributeValue.ofUnserializable(e)));
        if (Mail.ERROR.equals(mail.getState()) && Mail.ERROR.equals(target)) {
            storeAsLastResort(mail, reason);
            return LAST_RESORT_DONE;
        }
        divert(mail, target, reason);
        return 0;
    }

    /**
     * The store failing (a full disk, a lost database) says nothing about the mail: whatever the pair's
     * policy, the whole mail is retried from the spool rather than parked in a processor.
     */
    private static void rethrowIfStoreFailure(MatcherMailetPair pair, String what, Throwable e) throws MessagingException {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException) {
                throw failure(pair, what, e);
            }
        }
    }

    private static Optional<DeferredDelivery> deferralIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeferredDelivery deferral) {
                return Optional.of(deferral);
            }
        }
        return Optional.empty();
    }

    private static MessagingException failure(MatcherMailetPair pair, String what, Throwable e) {
        if (e instanceof MessagingException me) {
            return me;
        }
        return new MessagingException(pair.where() + ": " + what + " failed: " + describe(e),
                e instanceof Exception ex ? ex : new RuntimeException(e));
    }

    private static void divert(Mail mail, String state, String reason) {
        LOG.info("mail {} goes from '{}' to '{}': {}", mail.getName(), mail.getState(), state, reason);
        appendError(mail, reason);
        mail.setState(state);
    }

    private static void appendError(Mail mail, String reason) {
        String previous = mail.getErrorMessage();
        mail.setErrorMessage(previous == null || previous.isBlank() ? reason : previous + "\n" + reason);
    }

    private void storeAsLastResort(Mail mail, String reason) throws MessagingException {
        appendError(mail, reason);
        String id = MailContent.store(repositories.get(errorRepository), mail);
        LOG.warn("mail {} stored in repository '{}' as {}: {}", mail.getName(), errorRepository, id, reason);
        mail.setState(Mail.GHOST);
    }

    private static boolean isDone(Mail mail) {
        return Mail.GHOST.equals(mail.getState()) || mail.getRecipients() == null || mail.getRecipients().isEmpty();
    }

    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e.getClass().getName());
        if (e.getMessage() != null) {
            out.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            out.append("; caused by ").append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                out.append(": ").append(cause.getMessage());
            }
        }
        return out.toString();
    }

    /** Calls destroy() on every mailet and matcher; one failing does not stop the others. */
    public void destroy() {
        destroyAll(components);
    }

    public static void destroyAll(List<Object> components) {
        for (Object component : components) {
            try {
                if (component instanceof Mailet mailet) {
                    mailet.destroy();
                } else if (component instanceof Matcher matcher) {
                    matcher.destroy();
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("destroy() of {} failed", component.getClass().getName(), e);
            }
        }
    }
}
