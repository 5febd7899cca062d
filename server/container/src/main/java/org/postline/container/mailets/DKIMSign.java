package org.postline.container.mailets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.container.auth.DkimKeyFile;
import org.postline.container.auth.TraceHeaders;
import org.postline.container.mail.MailContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs mail with DKIM (RFC 6376): RSA-SHA256, relaxed/relaxed, the signature field on top. Only mail whose
 * From address is in the signing domain or one of its subdomains is signed, so one pair per domain signs
 * each domain's mail with its own key and mail from elsewhere (a forward) passes unsigned.
 * <p>Parameters: {@code domain} (d=), {@code selector} (s=; the public key is published as TXT at
 * {@code selector._domainkey.domain}), {@code privateKeyFile} (PEM, PKCS#8 or PKCS#1; a relative path is taken
 * from the distribution's home; refused at start-up if missing, unreadable or readable by every user), {@code signedHeaders} (a colon- or comma-separated list;
 * the default covers the fields a reader sees and the MIME structure).
 */
public class DKIMSign extends GenericMailet {

    private static final Logger LOG = LoggerFactory.getLogger(DKIMSign.class);

    static final List<String> DEFAULT_SIGNED_HEADERS = List.of("From", "Reply-To", "Subject", "Date", "To", "Cc",
            "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding");

    private String domain;
    private String template;
    private RSAPrivateKey key;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("domain", "selector", "privateKeyFile", "signedHeaders"));
        domain = required("domain").toLowerCase(Locale.ROOT);
        String selector = required("selector");
        if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || !domain.contains(".")) {
            throw new MailetException("domain: \"" + domain + "\" is not a domain name");
        }
        if (!selector.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
            throw new MailetException("selector: \"" + selector + "\" is not a DKIM selector (letters, digits, '.', '-', '_')");
        }
        try {
            key = DkimKeyFile.read(keyPath(required("privateKeyFile")));
        } catch (IllegalArgumentException e) {
            throw new MailetException("privateKeyFile: " + e.getMessage());
        }
        List<String> headers = getInitParameterAsOptional("signedHeaders")
                .map(list -> Arrays.stream(list.split("[:,]")).map(String::trim).filter(h -> !h.isEmpty()).toList())
                .orElse(DEFAULT_SIGNED_HEADERS);
        if (headers.stream().noneMatch(h -> h.equalsIgnoreCase("From"))) {
            throw new MailetException("signedHeaders: must include From (RFC 6376 section 5.4)");
        }
        if (headers.stream().anyMatch(h -> !h.matches("[!-9;-~]+"))) {
            throw new MailetException("signedHeaders: \"" + String.join(":", headers) + "\" holds a bad field name");
        }
        template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; h=" + String.join(":", headers) + "; bh=; b=;";
    }

    /** A relative path is taken from the distribution's home (bin/postline sets postline.home), as conf/ is. */
    private static Path keyPath(String written) {
        Path path = Path.of(written);
        String home = System.getProperty("postline.home");
        return path.isAbsolute() || home == null ? path : Path.of(home).resolve(path);
    }

    private String required(String name) throws MailetException {
        return getInitParameterAsOptional(name).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new MailetException(name + " is required"));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> fromDomain = fromDomain(mail);
        if (fromDomain.isEmpty() || !(fromDomain.get().equals(domain) || fromDomain.get().endsWith("." + domain))) {
            LOG.debug("mail {}: From is not in {}; not signed", mail.getName(), domain);
            return;
        }
        byte[] bytes = MailContent.bytes(mail.getMessage());
        String field;
        try {
            field = new DKIMSigner(template, key).sign(new ByteArrayInputStream(bytes));
        } catch (IOException | FailException e) {
            throw new MessagingException("mail " + mail.getName() + ": DKIM signing failed: " + e.getMessage(), e);
        }
        TraceHeaders.prepend(mail.getMessage(), fold(field));
        LOG.debug("mail {}: DKIM-signed for {}", mail.getName(), domain);
    }

    private static Optional<String> fromDomain(Mail mail) throws MessagingException {
        Address[] from;
        try {
            from = mail.getMessage().getFrom();
        } catch (MessagingException e) {
            return Optional.empty(); // an unparsable From is not signed
        }
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress address)
                || address.getAddress() == null) {
            return Optional.empty();
        }
        String text = address.getAddress();
        int at = text.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(text.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Folds at the tag separators and splits the b= value over lines. The signature covers this field with
     * b= emptied, under relaxed canonicalisation: folding whitespace between tags becomes the single space
     * that was there, and whitespace inside b= goes with its value; every other character must stay.
     */
    static String fold(String field) {
        String value = field.substring(field.indexOf(':') + 1).trim();
        boolean trailingSemicolon = value.endsWith(";");
        String[] tags = (trailingSemicolon ? value.substring(0, value.length() - 1) : value).split("; ");
        StringBuilder out = new StringBuilder("DKIM-Signature:");
        int lineLength = out.length();
        for (int i = 0; i < tags.length; i++) {
            String tag = tags[i] + (i < tags.length - 1 || trailingSemicolon ? ";" : "");
            if (lineLength + 1 + tag.length() > 78) {
                out.append("\r\n\t");
                lineLength = 8;
            } else {
                out.append(' ');
                lineLength++;
            }
            if (tag.startsWith("b=")) {
                int from = 0;
                while (tag.length() - from > 70) {
                    out.append(tag, from, from + 70).append("\r\n\t");
                    from += 70;
                }
                tag = tag.substring(from);
                lineLength = 8;
            }
            out.append(tag);
            lineLength += tag.length();
        }
        return out.toString();
    }

    @Override
    public String getMailetInfo() {
        return "DKIMSign: signs mail from the configured domain with DKIM (rsa-sha256, relaxed/relaxed)";
    }
}
