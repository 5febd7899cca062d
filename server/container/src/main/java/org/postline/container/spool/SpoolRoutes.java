package org.postline.container.spool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.SynchronizationAdapter;
import org.postline.api.StoreException;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel routes that consume a queue: the spool (feeding the pipeline) or an outgoing queue (feeding
 * remote delivery); each instance has its own endpoint and route names.
 * <ul>
 *   <li>wake-ups (a spool commit, a finished worker, a slow timer as safety net) coalesce in a one-slot
 *       queue; its single consumer claims as many mails as there are idle workers;</li>
 *   <li>{@code workers} concurrent consumers run the fold on each claimed mail and complete it;</li>
 *   <li>a failure goes to the dead-letter step (Camel error handling), which releases the mail for a durable
 *       retry or, after the last attempt, stores it in the error repository.</li>
 * </ul>
 * Only idle workers' worth of mail is ever claimed, so nothing waits in memory while holding a lease.
 */
public final class SpoolRoutes extends RouteBuilder implements QueueConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolRoutes.class);

    private final String name;
    private final Spool spool;
    private final QueueWorker worker;
    private final int workers;
    private final Duration pollInterval;
    private final String wakeUri;
    private final String failedUri;
    private final String workUri;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile ProducerTemplate producer;
    // Resolved once: sending to a URI string normalises it on every call, a measurable cost per SMTP commit.
    private volatile Endpoint wakeEndpoint;
    private volatile Endpoint workEndpoint;

    public SpoolRoutes(Spool spool, SpoolWorker worker, int workers, Duration pollInterval) {
        this("spool", spool, worker, workers, pollInterval);
    }

    /** @param name unique within the Camel context; names the endpoints and routes ("spool", "outgoing") */
    public SpoolRoutes(String name, Spool spool, QueueWorker worker, int workers, Duration pollInterval) {
        this.name = name;
        this.spool = spool;
        this.worker = worker;
        this.workers = workers;
        this.pollInterval = pollInterval;
        this.wakeUri = "seda:postline-" + name + "-wake?size=1&discardWhenFull=true&pollTimeout=200";
        this.failedUri = "direct:postline-" + name + "-failed";
        // A short poll timeout lets the consumers notice a shutdown quickly.
        this.workUri = "seda:postline-" + name + "-work?concurrentConsumers=" + workers + "&size=" + workers
                + "&pollTimeout=200";
    }

    @Override
    public void configure() {
        producer = getContext().createProducerTemplate();
        wakeEndpoint = getContext().getEndpoint(wakeUri);
        workEndpoint = getContext().getEndpoint(workUri);

        from("timer:postline-" + name + "-poll?delay=0&period=" + pollInterval.toMillis())
                .routeId("postline-" + name + "-poll")
                .to(wakeUri);

        from(wakeUri).routeId("postline-" + name + "-dispatch")
                .process(exchange -> dispatch());

        from(workUri).routeId("postline-" + name + "-worker")
                .errorHandler(deadLetterChannel(failedUri).useOriginalMessage().maximumRedeliveries(0)
                        .logExhausted(false).logStackTrace(false))
                .process(exchange -> exchange.getExchangeExtension().addOnCompletion(new SlotRelease()))
                .process(exchange -> worker.process(exchange.getIn().getBody(SpooledMail.class)));

        from(failedUri).routeId("postline-" + name + "-failed")
                .process(exchange -> worker.failed(exchange.getIn().getBody(SpooledMail.class),
                        exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    /** Wakes the dispatcher; cheap and non-blocking, so it may run on an SMTP thread inside Spool.commit. */
    @Override
    public void wake() {
        ProducerTemplate p = producer;
        Endpoint target = wakeEndpoint;
        if (p != null && target != null && !closing.get()) {
            try {
                p.sendBody(target, "wake");
            } catch (RuntimeException e) {
                LOG.debug("wake-up not delivered (shutting down?)", e);
            }
        }
    }

    private void dispatch() {
        while (!closing.get()) {
            int idle = workers - inFlight.get();
            if (idle <= 0) {
                return;
            }
            List<SpooledMail> claimed;
            try {
                claimed = spool.claim(idle);
            } catch (StoreException e) {
                LOG.warn("claiming mail from queue {} failed; the next poll tries again", name, e);
                return;
            }
            if (claimed.isEmpty()) {
                return;
            }
            for (SpooledMail mail : claimed) {
                inFlight.incrementAndGet();
                try {
                    producer.sendBody(workEndpoint, mail);
                } catch (RuntimeException e) {
                    inFlight.decrementAndGet();
                    LOG.warn("mail {} could not be handed to a worker; released", mail.id(), e);
                    spool.release(mail.id(), "not handed to a worker: " + e.getMessage(), 0);
                }
            }
        }
    }

    /** Stops claiming, then waits up to {@code timeout} for the running folds; true when all finished. */
    @Override
    public boolean drain(Duration timeout) throws InterruptedException {
        closing.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return inFlight.get() == 0;
    }

    int inFlight() {
        return inFlight.get();
    }

    private final class SlotRelease extends SynchronizationAdapter {
        @Override
        public void onDone(Exchange exchange) {
            inFlight.decrementAndGet();
            wake();
        }
    }
}
