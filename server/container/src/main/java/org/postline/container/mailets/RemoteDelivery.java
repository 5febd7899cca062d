package org.postline.container.mailets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.postline.api.StoreException;
import org.postline.api.queue.Spool;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.MailContent;
import org.postline.container.remote.DeliveryConfig;
import org.postline.container.remote.OutgoingDeliveries;

/**
 * Sends mail to other servers. The mailet only puts the mail on its durable outgoing queue (synced before it
 * returns) and ends it in the pipeline; the container's delivery workers then resolve each domain's MX hosts
 * (or use the smart host), deliver over SMTP, retry deferred recipients on the schedule and report failures
 * to the sender through the bounce processor.
 * <p>Parameters (James's names where James has the setting): {@code outgoingQueue} (outgoing),
 * {@code delayTime} (5m, 15m, 30m, 1h, 2h, 4h; also "5000, 100000" in ms or "3*1h"), {@code maxRetries}
 * (unlimited within maxAge), {@code maxAge} (5d), {@code deliveryThreads} (4), {@code bounceProcessor}
 * (bounces; empty: the report goes straight to the root processor), {@code gateway} (host[:port], ...),
 * {@code gatewayPort}, {@code gatewayUsername}, {@code gatewayPassword} (or {@code ${env:NAME}}), {@code gatewayTls}
 * (starttls | implicit | opportunistic | none), {@code requireTls} (domains whose MX must offer verified
 * TLS; ".example.com" covers subdomains), {@code trustStore}, {@code trustStorePassword},
 * {@code trustStoreType}, {@code smtpPort} (25), {@code heloName} (the server's name),
 * {@code connectionTimeout} (60s), {@code timeout} or {@code readTimeout} (3m), {@code delayWarning}
 * (none: no delay notices).
 */
public class RemoteDelivery extends GenericMailet {

    private final OutgoingDeliveries deliveries;
    private DeliveryConfig config;
    private Spool queue;

    @Inject
    public RemoteDelivery(OutgoingDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public void init() throws MessagingException {
        Map<String, String> params = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = getInitParameterNames(); names.hasNext(); ) {
            String name = names.next();
            if (DeliveryConfig.IGNORED_JAMES_PARAMETERS.contains(name) || name.startsWith("mail.")) {
                getMailetContext().getLogger().info("RemoteDelivery: parameter {} has no effect in Postline", name);
            } else if (DeliveryConfig.PARAMETERS.contains(name)) {
                params.put(name, getInitParameter(name));
            } else {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new MailetException("unknown parameter(s) " + unknown + "; RemoteDelivery takes "
                    + new TreeSet<>(DeliveryConfig.PARAMETERS));
        }
        try {
            config = DeliveryConfig.parse(params, deliveries.hostName());
            queue = deliveries.register(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MailetException(e.getMessage(), e);
        }
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return config == null ? List.of()
                : config.bounceProcessor().map(p -> List.of(new ProcessingState(p))).orElse(List.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            mail.setState(Mail.GHOST);
            return;
        }
        String id;
        try (Spool.Writer writer = queue.begin(EnvelopeMapping.toEnvelope(mail))) {
            try (InputStream in = MailContent.open(mail.getMessage()); OutputStream out = writer.content()) {
                in.transferTo(out);
            }
            id = writer.commit();
        } catch (IOException | StoreException e) {
            throw new MessagingException("could not queue mail " + mail.getName() + " for remote delivery: "
                    + e.getMessage(), e);
        }
        getMailetContext().getLogger().info("mail {} queued for remote delivery to {} (queue {}, id {})",
                mail.getName(), mail.getRecipients(), config.queue(), id);
        mail.setState(Mail.GHOST);
    }

    @Override
    public String getMailetInfo() {
        return "RemoteDelivery: queues mail for delivery to other servers over SMTP";
    }
}
