package org.postline.broker;

import jakarta.jms.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SpooledMail;
import org.postline.container.spool.QueueConsumer;
import org.postline.container.spool.QueueWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one broker queue through Camel's JMS component, in a local JMS transaction per mail: the message
 * is acknowledged only when the worker has completed or released the mail. A release sends the delayed copy
 * (failure count raised) in the same transaction. Anything else (a crash, an undecided or failing worker,
 * a shutdown) rolls the transaction back, and the broker delivers the mail again, to this node or another.
 */
final class BrokerRoutes extends RouteBuilder implements QueueConsumer {

    static final String COMPONENT = "postline-jms";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRoutes.class);
    private static final String REQUEUE = "postlineRequeue";

    private final String name;
    private final BrokerSpool spool;
    private final ConnectionFactory factory;
    private final QueueWorker worker;
    private final int workers;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();

    BrokerRoutes(String name, BrokerSpool spool, ConnectionFactory factory, QueueWorker worker, int workers,
                 Clock clock) {
        this.name = name;
        this.spool = spool;
        this.factory = factory;
        this.worker = worker;
        this.workers = workers;
        this.clock = clock;
    }

    @Override
    public void configure() {
        if (getContext().hasComponent(COMPONENT) == null) {
            getContext().addComponent(COMPONENT, JmsComponent.jmsComponent(factory));
        }
        String queue = COMPONENT + ":queue:" + spool.destination();
        // Local session transactions; a send inside the route joins the consumer's transaction.
        from(queue + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers=" + workers + "&maxConcurrentConsumers=" + workers + "&receiveTimeout=1000")
                .routeId("postline-" + name + "-broker")
                .errorHandler(noErrorHandler())
                .process(this::handle)
                .filter(exchangeProperty(REQUEUE).isEqualTo(true))
                .to(queue);
    }

    private void handle(Exchange exchange) throws Exception {
        inFlight.incrementAndGet();
        try {
            if (closing.get()) {
                throw new IllegalStateException("queue " + name + " is shutting down; the broker keeps the mail");
            }
            Message in = exchange.getIn();
            SpooledMail mail;
            try {
                mail = QueuedMessage.read(in.getBody(String.class), in.getHeaders());
            } catch (IllegalArgumentException e) {
                LOG.error("queue {}: dropping a broker message that is not a Postline mail: {}", name, e.getMessage());
                return;
            }
            if (!spool.hasContent(mail.id())) {
                LOG.info("mail {} of queue {} was completed before a crash; acknowledging it again", mail.id(), name);
                return;
            }
            spool.outcomes().start(mail.id());
            try {
                worker.process(mail);
            } catch (Exception e) {
                worker.failed(mail, e);
            }
            Optional<Outcomes.Outcome> outcome = spool.outcomes().finish(mail.id());
            if (outcome.isEmpty()) {
                throw new IllegalStateException("mail " + mail.id() + " was neither completed nor released;"
                        + " the broker delivers it again");
            }
            if (outcome.get() instanceof Outcomes.Released released) {
                requeue(in, mail, released);
                exchange.setProperty(REQUEUE, true);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void requeue(Message message, SpooledMail mail, Outcomes.Released released) {
        Envelope envelope = released.envelope().orElse(mail.envelope());
        long now = clock.millis();
        message.removeHeaders("*");
        message.setBody(QueuedMessage.body(envelope));
        message.setHeaders(QueuedMessage.properties(mail.id(), mail.size(), mail.stored().toEpochMilli(),
                mail.failedAttempts() + 1, released.reason(), now + Math.max(0, released.delayMillis()), now));
    }

    /** Nothing to do: the broker pushes mail to the consumers as soon as it has it. */
    @Override
    public void wake() {
    }

    @Override
    public boolean drain(Duration timeout) throws InterruptedException {
        closing.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return inFlight.get() == 0;
    }
}
