package org.postline.mailets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.directory.Users;

/**
 * Applies the recipient rewrite table to one address, recursively, as the {@code RecipientRewriteTable} mailet and
 * the {@code RecipientIsUnknownLocal} matcher need it. Immutable and thread-safe.
 * <p>One rewrite step looks at, in this order: the exact {@code ADDRESS} rules of the address (several = fan-out);
 * else the {@code DOMAIN} rules of its domain ({@code u@old} becomes {@code u@new}); else, only if the address is
 * not a user and not a postmaster, the {@code CATCH_ALL} rules of its domain. A target equal to its source keeps
 * the address itself (the usual "deliver here and also there"). A target already on the path of rewrites that led
 * to it is a loop; more than {@code mappingLimit} steps along one path is an error too.
 */
public final class RecipientResolver {

    /** Bounds the work for one recipient even when fan-outs multiply (a rule table is admin input, not trusted). */
    static final int MAX_REWRITE_STEPS = 1000;

    private static final String POSTMASTER = "postmaster";

    private final Users users;
    private final RecipientRewrites rewrites;
    private final int mappingLimit;
    private final Optional<MailAddress> postmaster;

    public RecipientResolver(Users users, RecipientRewrites rewrites, int mappingLimit, Optional<MailAddress> postmaster) {
        if (mappingLimit < 1) {
            throw new IllegalArgumentException("mappingLimit must be at least 1, not " + mappingLimit);
        }
        this.users = users;
        this.rewrites = rewrites;
        this.mappingLimit = mappingLimit;
        this.postmaster = postmaster;
    }

    /** The outcome of resolving one recipient: the final addresses, or why there are none. */
    public sealed interface Resolution {
        /** Final addresses, in first-seen order, without duplicates; {@code [original]} when no rule applied. */
        record Addresses(Set<MailAddress> addresses) implements Resolution {
            public Addresses {
                addresses = Collections.unmodifiableSet(new LinkedHashSet<>(addresses));
            }
        }

        /** A loop, the mapping limit, or a malformed rule target; {@code reason} is fit for an error message. */
        record Failure(String reason) implements Resolution {
        }
    }

    /** Resolves {@code recipient} to its final addresses. */
    public Resolution resolve(MailAddress recipient) {
        Set<MailAddress> results = new LinkedHashSet<>();
        List<MailAddress> path = new ArrayList<>();
        path.add(recipient);
        try {
            expand(recipient, path, new int[] {0}, results);
        } catch (ResolutionFailure failure) {
            return new Resolution.Failure(failure.getMessage());
        }
        return new Resolution.Addresses(results);
    }

    /**
     * One rewrite step: the raw targets of the first rule kind that applies to {@code address}, or empty when no
     * rule applies. {@code DOMAIN} targets are already turned into addresses ({@code localpart@target}).
     */
    public Optional<List<String>> rewriteStep(MailAddress address) {
        List<String> addressTargets = targets(rewrites.forSource(key(address)), Rewrite.Kind.ADDRESS);
        if (!addressTargets.isEmpty()) {
            return Optional.of(addressTargets);
        }
        List<Rewrite> domainRules = rewrites.forSource(domainKey(address));
        List<String> domainTargets = targets(domainRules, Rewrite.Kind.DOMAIN);
        if (!domainTargets.isEmpty()) {
            return Optional.of(domainTargets.stream().map(domain -> address.getLocalPart() + "@" + domain).toList());
        }
        if (!users.exists(key(address)) && !isPostmaster(address)) {
            List<String> catchAllTargets = targets(domainRules, Rewrite.Kind.CATCH_ALL);
            if (!catchAllTargets.isEmpty()) {
                return Optional.of(catchAllTargets);
            }
        }
        return Optional.empty();
    }

    /** True for {@code postmaster@} any domain and for the configured postmaster: never caught by a catch-all. */
    boolean isPostmaster(MailAddress address) {
        return address.getLocalPart().equalsIgnoreCase(POSTMASTER)
            || postmaster.map(address::equals).orElse(false);
    }

    private void expand(MailAddress address, List<MailAddress> path, int[] steps, Set<MailAddress> results) {
        Optional<List<String>> targets = rewriteStep(address);
        if (targets.isEmpty()) {
            results.add(address);
            return;
        }
        for (String rawTarget : targets.get()) {
            MailAddress target = parse(address, rawTarget);
            if (target.equals(address)) {
                results.add(address);
                continue;
            }
            if (path.contains(target)) {
                throw new ResolutionFailure("recipient rewriting loops: " + describe(path) + " -> " + target.asString());
            }
            if (path.size() > mappingLimit) {
                throw new ResolutionFailure("recipient rewriting of " + path.get(0).asString()
                    + " exceeds the mapping limit of " + mappingLimit + ": " + describe(path) + " -> " + target.asString());
            }
            if (++steps[0] > MAX_REWRITE_STEPS) {
                throw new ResolutionFailure("recipient rewriting of " + path.get(0).asString() + " takes more than "
                    + MAX_REWRITE_STEPS + " steps");
            }
            path.add(target);
            expand(target, path, steps, results);
            path.remove(path.size() - 1);
        }
    }

    private static MailAddress parse(MailAddress source, String target) {
        try {
            return new MailAddress(target);
        } catch (AddressException e) {
            throw new ResolutionFailure("the rewrite rule for " + source.asString() + " has a malformed target '"
                + target + "'");
        }
    }

    private static List<String> targets(List<Rewrite> rules, Rewrite.Kind kind) {
        return rules.stream().filter(rule -> rule.kind() == kind).map(Rewrite::target).toList();
    }

    private static String describe(List<MailAddress> path) {
        return String.join(" -> ", path.stream().map(MailAddress::asString).toList());
    }

    static String key(MailAddress address) {
        return address.asString().toLowerCase(Locale.ROOT);
    }

    private static String domainKey(MailAddress address) {
        return address.getDomain().asString().toLowerCase(Locale.ROOT);
    }

    /** Unwinds the recursion; never escapes {@link #resolve}. */
    private static final class ResolutionFailure extends RuntimeException {
        ResolutionFailure(String message) {
            super(message, null, false, false);
        }
    }
}
