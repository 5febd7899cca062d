package org.postline.container.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;
import org.postline.api.queue.MailRepository;

/** Getting a mail's bytes out: to a repository, the spool or any stream. */
public final class MailContent {

    private MailContent() {
    }

    /** The message as bytes on the wire; an unmodified message streams straight from its source. */
    public static InputStream open(MimeMessage message) throws MessagingException {
        try {
            if (message instanceof SourcedMimeMessage sourced && !sourced.isModified()) {
                return sourced.openSource();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return new ByteArrayInputStream(out.toByteArray());
        } catch (IOException e) {
            throw new MessagingException("cannot read message", e);
        }
    }

    public static byte[] bytes(MimeMessage message) throws MessagingException {
        try (InputStream in = open(message)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new MessagingException("cannot read message", e);
        }
    }

    /** Stores a copy of the mail (envelope and message) in a repository; returns its id there. */
    public static String store(MailRepository repository, Mail mail) throws MessagingException {
        try (InputStream in = open(mail.getMessage())) {
            return repository.store(EnvelopeMapping.toEnvelope(mail), in);
        } catch (IOException e) {
            throw new MessagingException("cannot store mail " + mail.getName() + " in repository " + repository.name(), e);
        }
    }
}
