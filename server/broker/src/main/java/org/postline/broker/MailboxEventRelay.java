package org.postline.broker;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.Registration;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries mailbox changes between nodes through a broker topic, so that an IMAP session idling on one node
 * hears of mail delivered, expunged or flagged on another. Every node publishes the changes made on it and
 * dispatches the others' changes to its own event bus, to the sessions watching that mailbox. Notifications
 * are hints (not persistent): a node that misses one shows the change at the client's next command.
 */
public final class MailboxEventRelay implements AutoCloseable {

    /** Relays everything the local bus sees; group listeners get every event. */
    public static final class RelayGroup extends Group {
    }

    private static final Logger LOG = LoggerFactory.getLogger(MailboxEventRelay.class);
    private static final String ORIGIN = "postlineOrigin";
    // Events this relay dispatches carry this session, so it never publishes them back.
    private static final MailboxSession.SessionId RELAYED = MailboxSession.SessionId.of(Long.MIN_VALUE + 7);

    private final String node = UUID.randomUUID().toString();
    private final EventBus bus;
    private final MailboxEventCodec codec;
    private final Connection connection;
    private final Session publishing;
    private final MessageProducer producer;
    private final Topic topic;
    private final Registration registration;

    private MailboxEventRelay(EventBus bus, MailboxEventCodec codec, Connection connection, Session publishing,
                              Topic topic) throws JMSException {
        this.bus = bus;
        this.codec = codec;
        this.connection = connection;
        this.publishing = publishing;
        this.topic = topic;
        this.producer = publishing.createProducer(topic);
        producer.setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
        Session receiving = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = receiving.createConsumer(topic, ORIGIN + " <> '" + node + "'");
        consumer.setMessageListener(this::receive);
        connection.start();
        this.registration = bus.register(new Publisher(), new RelayGroup());
    }

    /**
     * Starts relaying between the local bus and the broker's topic {@code <queuePrefix>mailbox-events}.
     *
     * @throws IllegalStateException if the broker cannot be used
     */
    public static MailboxEventRelay start(BrokerQueues broker, EventBus bus, MailboxId.Factory mailboxIds,
                                          MessageId.Factory messageIds) {
        try {
            Connection connection = broker.connection().factory().createConnection();
            try {
                Session publishing = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Topic topic = publishing.createTopic(broker.queuePrefix() + "mailbox-events");
                return new MailboxEventRelay(bus, new MailboxEventCodec(mailboxIds, messageIds), connection,
                        publishing, topic);
            } catch (JMSException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } catch (JMSException e) {
            throw new IllegalStateException("cannot relay mailbox events through the broker: " + e.getMessage(), e);
        }
    }

    private synchronized void publish(String text) throws JMSException {
        TextMessage message = publishing.createTextMessage(text);
        message.setStringProperty(ORIGIN, node);
        producer.send(message);
    }

    private void receive(Message message) {
        try {
            Event event = codec.decode(((TextMessage) message).getText(), RELAYED);
            MailboxId mailbox = ((MailboxEvents.MailboxEvent) event).getMailboxId();
            bus.dispatch(event, Set.of(new MailboxIdRegistrationKey(mailbox))).block();
        } catch (JMSException | RuntimeException e) {
            LOG.warn("could not pass on a mailbox change from another node: {}", e.toString());
        }
    }

    @Override
    public void close() {
        registration.unregister();
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.debug("closing the mailbox event relay's connection failed", e);
        }
    }

    private final class Publisher implements EventListener.GroupEventListener {
        @Override
        public Group getDefaultGroup() {
            return new RelayGroup();
        }

        @Override
        public boolean isHandling(Event event) {
            return event instanceof MailboxEvents.MailboxEvent mailboxEvent
                    && !RELAYED.equals(mailboxEvent.getSessionId());
        }

        @Override
        public void event(Event event) throws Exception {
            if (!isHandling(event)) {
                return;
            }
            Optional<String> text = codec.encode(event);
            if (text.isPresent()) {
                publish(text.get());
            }
        }
    }
}
