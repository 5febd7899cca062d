package org.postline.container.mailets;

import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.container.auth.AuthResults;
import org.postline.container.auth.MailSession;
import org.postline.container.auth.SpfDns;
import org.postline.container.auth.TraceHeaders;
import org.postline.container.dns.DnsClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the envelope sender with SPF (RFC 7208) against the client's address, or the HELO name when the
 * sender is null, with jSPF on the server's DNS client. Records the result (pass, fail, softfail, neutral,
 * none, temperror, permerror) as the {@code org.postline.auth.spf} attribute and an Authentication-Results
 * clause, and adds a {@code Received-SPF} header on top. The mail goes on unchanged otherwise: the
 * {@code SPFResultIs} matcher lets the pipeline refuse or tag.
 * <p>Parameters: {@code addHeader} (true: add Received-SPF). A James {@code SPF} mailet's {@code debug} and
 * {@code ignoreLocalIps} are refused rather than silently ignored: match the mail with a matcher instead.
 */
public class SPF extends GenericMailet {

    private static final Logger LOG = LoggerFactory.getLogger(SPF.class);

    private final DnsClient dns;
    private org.apache.james.jspf.impl.SPF spf;
    private String hostName;
    private boolean addHeader;

    @Inject
    public SPF(DnsClient dns) {
        this.dns = dns;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("addHeader"));
        String flag = getInitParameter("addHeader", "true").trim();
        if (!flag.equals("true") && !flag.equals("false")) {
            throw new MailetException("addHeader: \"" + flag + "\" is not true or false");
        }
        addHeader = Boolean.parseBoolean(flag);
        hostName = MailSession.hostName(getMailetContext());
        spf = new org.apache.james.jspf.impl.SPF(new SpfDns(dns, hostName));
        spf.setUseBestGuess(false);
        spf.setUseTrustedForwarder(false);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String ip = mail.getRemoteAddr();
        String helo = MailSession.heloName(mail).orElse("");
        String sender = mail.getMaybeSender().asOptional().map(a -> a.asString()).orElse("");
        boolean byHelo = sender.isEmpty();
        String result;
        if (ip == null || (byHelo && helo.isEmpty())) {
            result = "none";
        } else {
            try {
                result = spf.checkSPF(ip, sender, helo).getResult();
            } catch (RuntimeException e) {
                LOG.warn("mail {}: SPF check failed: {}", mail.getName(), e.toString());
                result = "temperror";
            }
        }
        String identity = byHelo ? "smtp.helo=" + value(helo) : "smtp.mailfrom=" + value(sender);
        AuthResults.record(mail, AuthResults.SPF, result, List.of("spf=" + result + " " + identity));
        if (addHeader) {
            String domain = byHelo ? helo : sender.substring(sender.lastIndexOf('@') + 1);
            String field = "Received-SPF: " + result + " (" + hostName + ": " + explanation(result, domain, ip) + ")"
                    + "\r\n\tclient-ip=" + ip + "; envelope-from=" + quoted(sender) + "; helo=" + value(helo) + ";"
                    + "\r\n\treceiver=" + hostName + "; identity=" + (byHelo ? "helo" : "mailfrom") + ";";
            TraceHeaders.prepend(mail.getMessage(), field);
        }
        LOG.debug("mail {}: SPF {} for {} from {}", mail.getName(), result,
                byHelo ? "HELO " + helo : sender, ip);
    }

    private static String explanation(String result, String domain, String ip) {
        String d = DKIMVerify.comment(domain);
        return switch (result) {
            case "pass" -> "domain of " + d + " designates " + ip + " as permitted sender";
            case "fail" -> "domain of " + d + " does not designate " + ip + " as permitted sender";
            case "softfail" -> "domain of " + d + " does not designate " + ip + " as permitted sender (softfail)";
            case "neutral" -> d + " makes no statement about " + ip;
            case "none" -> d.isEmpty() ? "no identity to check" : d + " publishes no SPF record";
            case "temperror" -> "DNS lookup for " + d + " failed for now";
            default -> "the SPF record of " + d + " is broken";
        };
    }

    /** A header value: a dot-atom as is, anything else as an RFC 5322 quoted string. */
    private static String value(String text) {
        return text.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]+") ? text : quoted(text);
    }

    private static String quoted(String text) {
        return '"' + text.replaceAll("[\\r\\n]", "").replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public String getMailetInfo() {
        return "SPF: checks the envelope sender with SPF and records the result";
    }
}
