package org.postline.container.mailets;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.postline.container.auth.AuthResults;
import org.postline.container.auth.DkimKeyRecords;
import org.postline.container.dns.DnsClient;
import org.postline.container.mail.MailContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the DKIM signatures of a mail (RFC 6376), fetching keys through the server's DNS client. The
 * result is recorded as the {@code org.postline.auth.dkim} attribute (pass when any signature verifies, none
 * when there is none, else the first signature's result: fail, permerror, temperror, neutral) and as one
 * Authentication-Results clause per signature, which {@link AuthenticationResults} writes into the header.
 * The message itself is not changed. No parameters.
 */
public class DKIMVerify extends GenericMailet {

    private static final Logger LOG = LoggerFactory.getLogger(DKIMVerify.class);

    private final DkimKeyRecords keys;

    @Inject
    public DKIMVerify(DnsClient dns) {
        this.keys = new DkimKeyRecords(dns);
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        DKIMVerifier verifier = new DKIMVerifier(keys);
        try (InputStream in = MailContent.open(mail.getMessage())) {
            verifier.verify(in);
        } catch (FailException e) {
            // every signature failed; the results say how
        } catch (IOException | RuntimeException e) {
            LOG.info("mail {}: DKIM verification could not read the message: {}",
                    mail.getName(), e.toString());
            AuthResults.record(mail, AuthResults.DKIM, "permerror",
                    List.of("dkim=permerror (" + comment(String.valueOf(e.getMessage())) + ")"));
            return;
        }
        List<Result> results = verifier.getResults();
        if (results.isEmpty()) {
            AuthResults.record(mail, AuthResults.DKIM, "none", List.of("dkim=none (no signatures)"));
            return;
        }
        List<String> clauses = new ArrayList<>();
        for (Result result : results) {
            clauses.add(clause(result));
        }
        String summary = results.stream().anyMatch(Result::isSuccess) ? "pass"
                : results.get(0).getResultType().name().toLowerCase(Locale.ROOT);
        AuthResults.record(mail, AuthResults.DKIM, summary, clauses);
        LOG.debug("mail {}: DKIM {}", mail.getName(), clauses);
    }

    private static String clause(Result result) {
        StringBuilder out = new StringBuilder("dkim=").append(result.getResultType().name().toLowerCase(Locale.ROOT));
        if (!result.isSuccess() && result.getErrorMessage() != null) {
            out.append(" (").append(comment(result.getErrorMessage())).append(')');
        }
        SignatureRecord record = result.getRecord();
        if (record != null) {
            appendProperty(out, "header.d", record.getDToken());
            appendProperty(out, "header.i", record.getIdentity());
            appendProperty(out, "header.s", record.getSelector());
            CharSequence b = record.getRawSignature();
            if (b != null) {
                String compact = b.toString().replaceAll("\\s+", "");
                appendProperty(out, "header.b", compact.substring(0, Math.min(8, compact.length())));
            }
        }
        return out.toString();
    }

    private static void appendProperty(StringBuilder out, String name, CharSequence value) {
        if (value == null) {
            return;
        }
        String v = value.toString().trim();
        if (v.isEmpty() || !v.matches("[!-~&&[^;()\"\\\\]]+")) {
            return; // only plain tokens go into the header; anything odd is left out rather than quoted
        }
        out.append(' ').append(name).append('=').append(v);
    }

    /** Text safe inside an RFC 5322 comment, on one line and short. */
    static String comment(String text) {
        String plain = text.replaceAll("[\\r\\n\\t]+", " ").replaceAll("[()\\\\]", "").trim();
        return plain.length() > 100 ? plain.substring(0, 100) : plain;
    }

    @Override
    public String getMailetInfo() {
        return "DKIMVerify: verifies DKIM signatures and records the results";
    }
}
