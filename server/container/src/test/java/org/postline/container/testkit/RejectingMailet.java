package org.postline.container.testkit;

import javax.mail.MessagingException;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.Mail;

/** Rejects any init parameter except "good". */
public class RejectingMailet extends GenericMailet {
    @Override
    public void init() throws MessagingException {
        checkInitParameters(java.util.Set.of("good"));
    }

    @Override
    public void service(Mail mail) {
    }
}
