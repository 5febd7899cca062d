package com.example.postline;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Prefixes the subject with a tag and records which mailet touched the message in a header.
 * <pre>
 * &lt;mailet match="All" class="com.example.postline.TagSubject"&gt;
 *   &lt;tag&gt;[external]&lt;/tag&gt;
 * &lt;/mailet&gt;
 * </pre>
 */
public class TagSubject extends GenericMailet {

    private String tag;

    @Override
    public void init() throws MessagingException {
        tag = getInitParameter("tag");
        if (tag == null || tag.isBlank()) {
            throw new MessagingException("TagSubject needs a non-empty <tag> parameter");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        String subject = message.getSubject();
        message.setSubject(subject == null ? tag : tag + " " + subject);
        message.setHeader("X-Tagged-By", "TagSubject");
    }

    @Override
    public String getMailetInfo() {
        return "TagSubject: prefixes the subject with a tag";
    }
}
