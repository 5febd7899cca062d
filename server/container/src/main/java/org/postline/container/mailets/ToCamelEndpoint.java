package org.postline.container.mailets;

import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.container.mail.MailContent;

/**
 * Hands a copy of the mail to any Camel endpoint ({@code uri}, e.g. {@code file:/var/spool/export}): the
 * body is the raw message bytes, the envelope goes in the {@code Postline*} headers. Parameters: {@code uri}
 * (required), {@code passThrough} (default true: the mail continues). A failed send throws, so the pair's
 * {@code onMailetException} decides.
 */
public class ToCamelEndpoint extends GenericMailet {

    public static final String HEADER_MAIL_NAME = "PostlineMailName";
    public static final String HEADER_SENDER = "PostlineSender";
    public static final String HEADER_RECIPIENTS = "PostlineRecipients";
    public static final String HEADER_STATE = "PostlineState";
    public static final String HEADER_REMOTE_ADDRESS = "PostlineRemoteAddress";
    public static final String HEADER_REMOTE_HOST = "PostlineRemoteHost";

    private final CamelContext camel;
    private ProducerTemplate producer;
    private String uri;
    private boolean passThrough;

    @Inject
    public ToCamelEndpoint(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("uri", "passThrough"));
        uri = getInitParameterAsOptional("uri").map(String::trim)
                .orElseThrow(() -> new MailetException("uri is required, e.g. <uri>file:/var/spool/export</uri>"));
        try {
            camel.getEndpoint(uri);
        } catch (RuntimeException e) {
            throw new MailetException("Camel does not know the endpoint " + uri + ": " + e.getMessage(), e);
        }
        passThrough = getInitParameter("passThrough", true);
        producer = camel.createProducerTemplate();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        byte[] bytes = MailContent.bytes(mail.getMessage());
        Exchange result = producer.send(uri, ExchangePattern.InOnly, exchange -> {
            exchange.getIn().setBody(bytes);
            exchange.getIn().setHeader(HEADER_MAIL_NAME, mail.getName());
            exchange.getIn().setHeader(HEADER_SENDER, mail.getMaybeSender().asString(""));
            exchange.getIn().setHeader(HEADER_RECIPIENTS,
                    mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.joining(",")));
            exchange.getIn().setHeader(HEADER_STATE, mail.getState());
            exchange.getIn().setHeader(HEADER_REMOTE_ADDRESS, mail.getRemoteAddr());
            exchange.getIn().setHeader(HEADER_REMOTE_HOST, mail.getRemoteHost());
            exchange.getIn().setHeader(Exchange.FILE_NAME, mail.getName().replaceAll("[^A-Za-z0-9._-]", "_") + ".eml");
        });
        if (result.getException() != null) {
            throw new MessagingException("sending mail " + mail.getName() + " to " + uri + " failed: "
                    + result.getException().getMessage(), result.getException());
        }
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public void destroy() {
        if (producer != null) {
            try {
                producer.close();
            } catch (java.io.IOException e) {
                getMailetContext().getLogger().warn("closing the producer for {} failed", uri, e);
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "ToCamelEndpoint: hands a copy of the mail to a Camel endpoint";
    }
}
