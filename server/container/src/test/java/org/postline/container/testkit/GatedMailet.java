package org.postline.container.testkit;

import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** Waits at the test's {@link Gate}. */
public class GatedMailet extends GenericMailet {
    private final Gate gate;

    @Inject
    public GatedMailet(Gate gate) {
        this.gate = gate;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        try {
            gate.passThrough();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted", e);
        }
    }
}
