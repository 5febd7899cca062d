package org.postline.container.matchers;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose client connected from a loopback address (127.0.0.0/8, ::1): a process on this host,
 * such as a webmail or a script, whose address no SPF record of a domain would ever list.
 */
public class RemoteAddrIsLoopback extends GenericMatcher {

    @Override
    public Collection<MailAddress> match(Mail mail) {
        String address = mail.getRemoteAddr();
        if (address == null || !address.matches("[0-9a-fA-F.:]+")) {
            return List.of(); // only literal addresses: never a name lookup here
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress() ? mail.getRecipients() : List.of();
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
