package org.postline.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.postline.api.config.BrokerConfig;

/**
 * An Artemis broker in the test JVM, persistent (journal in a test directory), on a free loopback port.
 * Redelivery never gives up, and waits a little, as a production broker for Postline should be configured.
 */
public final class TestBroker implements AutoCloseable {

    private final Path directory;
    private final int port;
    private EmbeddedActiveMQ server;

    private TestBroker(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    public static TestBroker start(Path directory) throws Exception {
        TestBroker broker = new TestBroker(directory, freePort());
        broker.restart();
        return broker;
    }

    /** Starts the broker (again), with the messages its journal holds. */
    public synchronized void restart() throws Exception {
        if (server != null) {
            stop();
        }
        Configuration configuration = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large").toString())
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port)
                .addAddressSetting("#", new AddressSettings()
                        .setMaxDeliveryAttempts(-1)
                        .setRedeliveryDelay(200)
                        .setAutoCreateQueues(true)
                        .setAutoCreateAddresses(true));
        configuration.setJMXManagementEnabled(false);
        server = new EmbeddedActiveMQ().setConfiguration(configuration).start();
    }

    public synchronized void stop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public BrokerConfig config() {
        return new BrokerConfig(url(), Optional.empty(), Optional.empty(), "postline.");
    }

    /** Messages waiting (or being delivered) on a JMS queue. */
    public long messageCount(String queue) {
        var binding = server.getActiveMQServer().locateQueue(queue);
        return binding == null ? 0 : binding.getMessageCount();
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
