package org.postline.mailets.mime;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailet that edits a message's MIME structure byte-exactly. It parses within {@link MimeLimits}; a message
 * that is malformed, past a limit, or that the edit cannot handle is never an exception out of the mailet:
 * with {@code onMalformed=continue} the mail goes on unchanged, with {@code onMalformed=error} it goes to the
 * error processor; either way one log line says why.
 */
public abstract class MimeMailet extends GenericMailet {

    private static final Logger LOG = LoggerFactory.getLogger(MimeMailet.class);
    private static final Set<String> COMMON = Set.of("onMalformed", MimeLimits.MAX_DEPTH, MimeLimits.MAX_PARTS,
            MimeLimits.MAX_HEADER_COUNT, MimeLimits.MAX_HEADER_LENGTH, "onMailetException", "onMatchException");

    /** What to do with a message that cannot be taken apart safely. */
    public enum OnMalformed { CONTINUE, ERROR }

    private MimeLimits limits = MimeLimits.DEFAULTS;
    private OnMalformed onMalformed = OnMalformed.CONTINUE;

    @Override
    public final void init() throws MessagingException {
        try {
            checkParameterNames();
            limits = MimeLimits.from(this::getInitParameterAsOptional);
            String policy = getInitParameter("onMalformed", defaultOnMalformed().name()).trim();
            onMalformed = switch (policy.toLowerCase(Locale.ROOT)) {
                case "continue" -> OnMalformed.CONTINUE;
                case "error" -> OnMalformed.ERROR;
                default -> throw new IllegalArgumentException(
                        "onMalformed: \"" + policy + "\" is neither continue nor error");
            };
            configure();
        } catch (IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    public MimeLimits limits() {
        return limits;
    }

    public OnMalformed onMalformed() {
        return onMalformed;
    }

    @Override
    public final void service(Mail mail) throws MessagingException {
        byte[] original;
        try {
            original = RewrittenMessage.bytesOf(mail.getMessage());
        } catch (IOException | MessagingException | RuntimeException e) {
            malformed(mail, "unreadable message: " + e);
            return;
        }
        byte[] edited;
        MimeEntity root;
        try {
            root = MimeTree.parse(original, limits);
            edited = edit(mail, root);
        } catch (MalformedMimeException e) {
            malformed(mail, e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.debug("{}: mail {}: failure while editing", getMailetName(), mail.getName(), e);
            malformed(mail, "cannot edit: " + e);
            return;
        }
        if (edited != original) {
            mail.setMessage(new RewrittenMessage(edited, MimeTree.bodyOffset(edited)));
        }
    }

    /** The parameters this mailet reads besides the common ones (onMalformed and the limits). */
    protected abstract Set<String> parameterNames();

    /** Reads and checks the mailet's own parameters; IllegalArgumentException for a bad one. */
    protected abstract void configure();

    /** The policy when the parameter is absent. */
    protected OnMalformed defaultOnMalformed() {
        return OnMalformed.CONTINUE;
    }

    /**
     * The edited message, or {@code message.source()} itself when nothing changes. May change the mail's state
     * (a rejection). Throws MalformedMimeException when the message cannot be edited safely.
     */
    protected abstract byte[] edit(Mail mail, MimeEntity message) throws MalformedMimeException;

    protected String parameter(String name) {
        return getInitParameterAsOptional(name).map(String::trim).orElse("");
    }

    private void malformed(Mail mail, String reason) {
        if (onMalformed == OnMalformed.ERROR) {
            LOG.warn("{}: mail {}: malformed MIME ({}); sent to the error processor (onMalformed=error)",
                    getMailetName(), mail.getName(), reason);
            mail.setErrorMessage(getMailetName() + ": malformed MIME: " + reason);
            mail.setState(Mail.ERROR);
        } else {
            LOG.warn("{}: mail {}: malformed MIME ({}); left unchanged (onMalformed=continue)",
                    getMailetName(), mail.getName(), reason);
        }
    }

    private void checkParameterNames() {
        Set<String> known = new TreeSet<>(COMMON);
        known.addAll(parameterNames());
        Iterator<String> names = getInitParameterNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name) && !acceptsParameter(name)) {
                throw new IllegalArgumentException("unknown parameter <" + name + ">; known: " + known);
            }
        }
    }

    /** For parameters named by pattern (EditHeaders' add.Name); the default knows none. */
    protected boolean acceptsParameter(String name) {
        return false;
    }
}
