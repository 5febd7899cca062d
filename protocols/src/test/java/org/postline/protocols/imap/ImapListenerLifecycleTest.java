package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.TlsConfig;
import org.postline.protocols.ListenerStartException;

/** Starting, failing to start, and stopping an IMAP listener. */
class ImapListenerLifecycleTest {

    @TempDir
    static Path directory;

    private static ImapFixture fixture;

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    private static ListenerConfig config(int port, ListenerConfig.TlsMode tlsMode, Optional<TlsConfig> tls) {
        return new ListenerConfig("imap-lifecycle", ListenerConfig.Protocol.IMAP, "127.0.0.1", port, tlsMode, false,
            false, true, tls, ImapFixture.testLimits());
    }

    private static boolean threadsLeft() {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.isAlive() && thread.getName().startsWith("imap-lifecycle-"));
    }

    @Test
    void aTakenPortIsReportedAndLeavesNoThreads() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ImapListener listener = new ImapListener(config(taken.getLocalPort(), ListenerConfig.TlsMode.NONE,
                Optional.empty()), fixture.context());
            assertThatThrownBy(listener::start).isInstanceOf(ListenerStartException.class)
                .hasMessageContaining("already in use").hasMessageContaining("imap-lifecycle");
        }
        assertThat(threadsLeft()).isFalse();
    }

    @Test
    void missingKeyMaterialIsReportedBeforeBinding() {
        TlsConfig missing = new TlsConfig(Optional.of(directory.resolve("nowhere.p12")), "PKCS12",
            Optional.of("secret"), Optional.empty(), Optional.empty());
        ImapListener listener = new ImapListener(config(0, ListenerConfig.TlsMode.IMPLICIT, Optional.of(missing)),
            fixture.context());
        assertThatThrownBy(listener::start).isInstanceOf(ListenerStartException.class)
            .hasMessageContaining("imap-lifecycle").hasMessageContaining("does not exist");
    }

    @Test
    void closingSaysByeToConnectedClientsAndStopsEveryThread() throws Exception {
        ImapListener listener = new ImapListener(config(0, ListenerConfig.TlsMode.NONE, Optional.empty()),
            fixture.context());
        listener.start();
        TestUsers.Account user = fixture.users.fresh("bye");
        try (ImapClient client = ImapClient.connect(listener.boundAddress())) {
            client.login(user);
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
            listener.close();
            assertThat(client.readLine()).isEqualTo("* BYE Server shutting down");
            assertThat(client.closedByServer()).isTrue();
        }
        listener.close();
        assertThat(threadsLeft()).isFalse();
    }

    @Test
    void onlyImapListenersAreAccepted() {
        ListenerConfig pop3 = new ListenerConfig("pop3", ListenerConfig.Protocol.POP3, "127.0.0.1", 0,
            ListenerConfig.TlsMode.NONE, false, false, true, Optional.empty(), ImapFixture.testLimits());
        assertThatThrownBy(() -> new ImapListener(pop3, fixture.context())).isInstanceOf(IllegalArgumentException.class);
    }
}
