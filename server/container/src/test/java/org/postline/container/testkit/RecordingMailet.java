package org.postline.container.testkit;

import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Records each call. Parameters: {@code id}; {@code throw} = messaging | runtime | linkage (fails after
 * recording); {@code state} (sets the state); {@code dropRecipients} = true (removes every recipient).
 */
public class RecordingMailet extends GenericMailet {

    private final Recorder recorder;
    private String id;

    @Inject
    public RecordingMailet(Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void init() {
        id = getInitParameter("id", "m");
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        recorder.record(id, mail);
        String failure = getInitParameter("throw");
        if ("messaging".equals(failure)) {
            throw new MessagingException("mailet " + id + " failed on purpose");
        } else if ("runtime".equals(failure)) {
            throw new IllegalStateException("mailet " + id + " crashed on purpose");
        } else if ("linkage".equals(failure)) {
            throw new NoClassDefFoundError("com/example/Missing");
        }
        if (getInitParameter("state") != null) {
            mail.setState(getInitParameter("state"));
        }
        if (getInitParameter("dropRecipients", false)) {
            mail.setRecipients(java.util.List.of());
        }
    }
}
