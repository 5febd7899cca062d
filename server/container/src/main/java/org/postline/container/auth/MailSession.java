package org.postline.container.auth;

import java.util.Optional;
import org.apache.mailet.Mail;
import org.postline.container.mail.PostlineMail;

/** What the receiving SMTP session knew about a mail's client, for mail received by Postline. */
public final class MailSession {

    private MailSession() {
    }

    /** The HELO/EHLO name the client gave; empty for mail not received over SMTP or without one. */
    public static Optional<String> heloName(Mail mail) {
        if (mail instanceof PostlineMail ours) {
            return Optional.ofNullable(ours.session().heloName()).filter(h -> !h.isBlank());
        }
        return Optional.empty();
    }

    /** The server's name, the authserv-id of Authentication-Results and the receiver of Received-SPF. */
    public static String hostName(org.apache.mailet.MailetContext context) {
        if (context instanceof org.postline.container.context.PostlineMailetContext ours) {
            return ours.hostName();
        }
        return "localhost";
    }
}
