package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.protocols.ListenerStartException;

/** Binding, bind failures, and a graceful stop that lets a message in DATA finish. */
class SmtpListenerLifecycleTest {

    @TempDir
    Path var;

    private SmtpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void reportsAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> SmtpTestServer.builder(var).name("mx").port(port).start())
                    .isInstanceOf(ListenerStartException.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is already in use (listener 'mx')");
        }
    }

    @Test
    void bindsTheConfiguredPortAndReportsTheRealOneForPortZero() throws Exception {
        server = SmtpTestServer.builder(var).start();
        assertThat(server.address().getPort()).isPositive();
        assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(server.listener::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeStopsEveryThreadItStarted() throws Exception {
        server = SmtpTestServer.builder(var).name("leakcheck").start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            assertThat(client.data("Subject: t\r\n\r\nx\r\n")).startsWith("250");
        }
        assertThat(threadsNamed("leakcheck-")).isNotEmpty();
        server.close();
        // A thread may still be returning from run() a moment after its executor reported termination.
        for (int attempt = 0; attempt < 100 && !threadsNamed("leakcheck-").isEmpty(); attempt++) {
            Thread.sleep(20);
        }
        assertThat(threadsNamed("leakcheck-")).isEmpty();
    }

    private static java.util.List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    @Test
    void gracefulCloseLetsAMessageInDataFinishAndSaysGoodbyeToIdleClients() throws Exception {
        server = SmtpTestServer.builder(var).start();
        InetSocketAddress address = server.address();
        try (SmtpClient busy = server.connect(); SmtpClient idle = server.connect()) {
            busy.ehlo();
            busy.send("MAIL FROM:<a@remote.example>");
            busy.send("RCPT TO:<alice@example.org>");
            assertThat(busy.send("DATA")).startsWith("354");
            busy.write("Subject: in flight\r\n\r\nfirst half\r\n");

            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.listener.close(Duration.ofSeconds(10)));
            assertThat(idle.readReply()).isEqualTo("421 4.3.2 mx.example.org Service shutting down; closing connection");
            assertThat(idle.closedByServer()).isTrue();
            assertThat(refusesConnections(address)).isTrue();
            assertThat(closing).isNotDone();

            busy.write("second half\r\n.\r\n");
            assertThat(busy.readReply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(busy.readReply()).startsWith("421 4.3.2");
            assertThat(busy.closedByServer()).isTrue();
            closing.get(10, TimeUnit.SECONDS);
        }
        assertThat(server.spool.only().text()).endsWith("first half\r\nsecond half\r\n");
    }

    @Test
    void closeAbortsAMessageStillInDataAfterTheGracePeriod() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient busy = server.connect()) {
            busy.ehlo();
            busy.send("MAIL FROM:<a@remote.example>");
            busy.send("RCPT TO:<alice@example.org>");
            assertThat(busy.send("DATA")).startsWith("354");
            busy.write("Subject: never finished\r\n");
            server.listener.close(Duration.ofMillis(200));
            assertThat(busy.closedByServer()).isTrue();
        }
        assertThat(server.spool.committed).isEmpty();
        assertThat(server.spool.aborted.get()).isEqualTo(1);
    }

    private boolean refusesConnections(InetSocketAddress address) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout(2000);
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            } catch (SocketException refused) {
                return true; // refused, or accepted by the kernel just before the listener closed, then reset
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
