package org.postline.mailets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the recipient rewrite table (aliases, forwards, domain aliases, catch-alls; see {@link RecipientResolver}
 * for the rule order, recursion and loop detection) to every recipient of the mail.
 * <ul>
 *   <li>Results in a local domain, and results that were already recipients of this mail, stay on the mail.</li>
 *   <li>Other results (forwards to external addresses) leave in one copy of the mail, marked sent-by-mailet as James
 *       does so that the relay rules let it out, sent to the {@code forwardProcessor} state.</li>
 *   <li>A recipient whose rewriting loops, exceeds {@code mappingLimit} or meets a malformed rule leaves, with all
 *       the others that failed, in one copy sent to the {@code errorProcessor} state with an error message.</li>
 * </ul>
 * Everything is resolved before anything is sent, and the mail is changed last, so an exception leaves it as it was.
 * If no recipient is left, the mail is ghosted.
 * <p>Init parameters: {@code errorProcessor} (default {@code rrt-error}), {@code forwardProcessor} (default
 * {@code transport}), {@code mappingLimit} (default 10, at least 1).
 */
public class RecipientRewriteTable extends GenericMailet {

    private static final Logger LOGGER = LoggerFactory.getLogger(RecipientRewriteTable.class);
    static final String ERROR_PROCESSOR = "errorProcessor";
    static final String FORWARD_PROCESSOR = "forwardProcessor";
    static final String MAPPING_LIMIT = "mappingLimit";
    static final int DEFAULT_MAPPING_LIMIT = 10;

    private final RecipientRewrites rewrites;
    private final Users users;
    private final Domains domains;
    private String errorProcessor = "rrt-error";
    private String forwardProcessor = Mail.TRANSPORT;
    private RecipientResolver resolver;

    @Inject
    public RecipientRewriteTable(RecipientRewrites rewrites, Users users, Domains domains) {
        this.rewrites = rewrites;
        this.users = users;
        this.domains = domains;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(ERROR_PROCESSOR, FORWARD_PROCESSOR, MAPPING_LIMIT));
        errorProcessor = LocalDelivery.requireNonBlank(getInitParameter(ERROR_PROCESSOR, "rrt-error"), ERROR_PROCESSOR);
        forwardProcessor = LocalDelivery.requireNonBlank(getInitParameter(FORWARD_PROCESSOR, Mail.TRANSPORT),
            FORWARD_PROCESSOR);
        resolver = new RecipientResolver(users, rewrites, mappingLimit(),
            Optional.ofNullable(getMailetContext().getPostmaster()));
    }

    private int mappingLimit() throws MessagingException {
        String value = getInitParameter(MAPPING_LIMIT, String.valueOf(DEFAULT_MAPPING_LIMIT)).trim();
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MessagingException("init parameter '" + MAPPING_LIMIT + "' must be a whole number >= 1, not '"
            + value + "'");
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return List.of(new ProcessingState(errorProcessor), new ProcessingState(forwardProcessor));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Collection<MailAddress> original = mail.getRecipients();
        Set<MailAddress> kept = new LinkedHashSet<>();
        Set<MailAddress> forwards = new LinkedHashSet<>();
        Map<MailAddress, String> failures = new LinkedHashMap<>();

        for (MailAddress recipient : original) {
            RecipientResolver.Resolution resolution = resolver.resolve(recipient);
            if (resolution instanceof RecipientResolver.Resolution.Failure failure) {
                failures.put(recipient, failure.reason());
                continue;
            }
            for (MailAddress result : ((RecipientResolver.Resolution.Addresses) resolution).addresses()) {
                // A result already on this mail keeps its place: re-running on a forwarded copy must not fork it again.
                if (original.contains(result) || domains.isLocal(result.getDomain().asString())) {
                    kept.add(result);
                } else {
                    forwards.add(result);
                }
            }
        }

        if (failures.isEmpty() && forwards.isEmpty() && kept.equals(new LinkedHashSet<>(original))) {
            return;
        }
        if (!failures.isEmpty()) {
            sendCopy(mail, failures.keySet(), errorProcessor, "rrt-error", errorMessage(failures), false);
        }
        if (!forwards.isEmpty()) {
            sendCopy(mail, forwards, forwardProcessor, "forward", null, true);
        }
        mail.setRecipients(new ArrayList<>(kept));
        if (kept.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    private void sendCopy(Mail mail, Collection<MailAddress> recipients, String state, String nameSuffix,
                          String errorMessage, boolean sentByMailet) throws MessagingException {
        Mail copy = mail.duplicate();
        copy.setName(copyName(mail.getName(), nameSuffix));
        copy.setRecipients(new ArrayList<>(recipients));
        if (errorMessage != null) {
            copy.setErrorMessage(errorMessage);
        }
        if (sentByMailet) {
            copy.setAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE);
        }
        getMailetContext().sendMail(copy, state);
        LOGGER.info("Mail {}: recipients {} sent to processor {}", mail.getName(), recipients, state);
    }

    /** Unique, so a copy never collides with its original or with a copy made on a retry; bounded in length. */
    static String copyName(String original, String suffix) {
        String base = original == null ? "mail" : original.length() > 60 ? original.substring(0, 60) : original;
        return base + "-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String errorMessage(Map<MailAddress, String> failures) {
        List<String> lines = new ArrayList<>();
        failures.forEach((recipient, reason) -> lines.add(recipient.asString() + ": " + reason));
        return "Recipient rewriting failed: " + String.join("; ", lines);
    }

    @Override
    public String getMailetInfo() {
        return "Postline RecipientRewriteTable: aliases, forwards, domain aliases and catch-alls";
    }
}
