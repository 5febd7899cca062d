package org.postline.protocols.smtp;

import java.util.Locale;
import org.apache.james.core.MailAddress;

/** How addresses are written into envelopes and compared with the directory. */
final class Addresses {

    private Addresses() {
    }

    /** As the envelope keeps it: the local part as given, the domain in lower case. */
    static String envelopeForm(MailAddress address) {
        return address.getLocalPart() + "@" + address.getDomain().asString();
    }

    /** As the directory names users and rewrite sources: all lower case. */
    static String directoryForm(MailAddress address) {
        return envelopeForm(address).toLowerCase(Locale.ROOT);
    }
}
