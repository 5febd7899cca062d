package org.postline.container.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.mail.MessagingException;
import javax.mail.internet.MimeUtility;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.container.auth.AuthResults;
import org.postline.container.auth.MailSession;
import org.postline.container.auth.TraceHeaders;

/**
 * Writes the results that {@link SPF} and {@link DKIMVerify} recorded into one {@code Authentication-Results}
 * header on top of the message (RFC 8601), with the server's name as authserv-id ({@code ...; none} when no
 * check ran). Authentication-Results fields already carrying that authserv-id are removed first: they came
 * from outside and would be forgeries (RFC 8601 section 5).
 * <p>Parameters: {@code authservId} (default: the server's host name).
 */
public class AuthenticationResults extends GenericMailet {

    static final String HEADER = "Authentication-Results";
    private String authservId;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("authservId"));
        authservId = getInitParameterAsOptional("authservId").map(String::trim)
                .orElse(MailSession.hostName(getMailetContext()));
        if (!authservId.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new MailetException("authservId: \"" + authservId + "\" is not a host name");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<String> parts = new ArrayList<>();
        parts.add(authservId + ";");
        List<String> clauses = AuthResults.clauses(mail);
        if (clauses.isEmpty()) {
            parts.add("none");
        }
        for (int i = 0; i < clauses.size(); i++) {
            parts.add(clauses.get(i) + (i < clauses.size() - 1 ? ";" : ""));
        }
        TraceHeaders.prepend(mail.getMessage(), TraceHeaders.fold(HEADER, parts), this::claimsOurName);
    }

    private boolean claimsOurName(String line) {
        int colon = line.indexOf(':');
        return colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(HEADER)
                && authservIdOf(line.substring(colon + 1)).equals(authservId.toLowerCase(Locale.ROOT));
    }

    private static String authservIdOf(String value) {
        String unfolded = MimeUtility.unfold(value).trim();
        int end = 0;
        while (end < unfolded.length() && ";( \t".indexOf(unfolded.charAt(end)) < 0) {
            end++;
        }
        return unfolded.substring(0, end).toLowerCase(Locale.ROOT);
    }

    @Override
    public String getMailetInfo() {
        return "AuthenticationResults: adds the Authentication-Results header for the recorded SPF and DKIM results";
    }
}
