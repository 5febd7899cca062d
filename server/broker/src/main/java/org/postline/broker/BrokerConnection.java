package org.postline.broker;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.postline.api.config.BrokerConfig;

/**
 * The connection to the Artemis broker: its factory (shared with Camel's JMS component) and one session for
 * sending. Sends are persistent and synchronous: when {@link #send} returns, the broker has the message on disk.
 */
final class BrokerConnection implements AutoCloseable {

    private final ActiveMQConnectionFactory factory;
    private final Connection connection;
    private final Session session;
    private final MessageProducer producer;

    BrokerConnection(BrokerConfig config) {
        this.factory = new ActiveMQConnectionFactory(config.url());
        config.user().ifPresent(factory::setUser);
        config.password().ifPresent(factory::setPassword);
        // No prefetching: an idle consumer on one node must not hold mail another node's workers could take.
        factory.setConsumerWindowSize(0);
        factory.setBlockOnDurableSend(true);
        try {
            this.connection = factory.createConnection();
            this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            this.producer = session.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        } catch (JMSException e) {
            factory.close();
            throw new IllegalStateException("cannot connect to the broker at " + config.url() + ": " + e.getMessage(), e);
        }
    }

    ActiveMQConnectionFactory factory() {
        return factory;
    }

    /** A persistent text message with these properties, on the JMS queue {@code destination}. */
    synchronized void send(String destination, String body, Map<String, Object> properties) {
        try {
            TextMessage message = session.createTextMessage(body);
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            producer.send(session.createQueue(destination), message);
        } catch (JMSException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (JMSException e) {
            // closing anyway
        } finally {
            factory.close();
        }
    }
}
