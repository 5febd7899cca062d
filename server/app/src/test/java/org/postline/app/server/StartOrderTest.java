package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;
import org.postline.app.config.ConfigLoader;
import org.postline.app.config.LoadedConfig;

/**
 * SMTP listeners bind on their own thread while the mailbox store and the mailet container load: whatever fails
 * later in the start, they are closed with the rest, and a successful start still lists listeners in
 * configuration order.
 */
class StartOrderTest {

    @TempDir
    Path home;

    private PostlineServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private LoadedConfig load(int smtpPort, int pop3Port, Path pipeline) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners>
                    <pop3 name="pop" port="%d" bind="127.0.0.1"/>
                    <smtp name="in" port="%d" bind="127.0.0.1" tls="none" auth="optional"/>
                    <smtp name="submission" port="0" bind="127.0.0.1" tls="none" auth="required"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(pop3Port, smtpPort, pipeline));
        return new ConfigLoader(home, Map.of(), "mail.test").load(file);
    }

    @Test
    void listenersAreListedInConfigurationOrderAndSmtpGreets() throws Exception {
        server = PostlineServer.start(load(0, 0, TestPipeline.write(home.resolve("conf"))), home);

        assertThat(server.listeners()).extracting(PostlineServer.BoundListener::name)
                .containsExactly("pop", "in", "submission");
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.listeners().get(1).address().getPort());
             BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))) {
            client.setSoTimeout(10_000);
            assertThat(in.readLine()).startsWith("220 ");
        }
    }

    @Test
    void aBrokenPipelineClosesTheSmtpListenersStartedMeanwhile() throws Exception {
        int smtpPort = freePort();
        Path pipeline = Files.writeString(Files.createDirectories(home.resolve("conf")).resolve("broken.xml"),
                "<mailetcontainer><nonsense/></mailetcontainer>");
        LoadedConfig loaded = load(smtpPort, 0, pipeline);

        assertThatThrownBy(() -> PostlineServer.start(loaded, home)).isInstanceOf(ConfigException.class);

        assertPortFree(smtpPort);
        assertThat(home.resolve("var/admin.sock")).doesNotExist();
    }

    @Test
    void aPop3PortInUseClosesTheSmtpListenersStartedMeanwhile() throws Exception {
        int smtpPort = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LoadedConfig loaded = load(smtpPort, taken.getLocalPort(), TestPipeline.write(home.resolve("conf")));

            assertThatThrownBy(() -> PostlineServer.start(loaded, home))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining(":5: listeners/pop3[pop]: ");
        }
        assertPortFree(smtpPort);
    }

    @Test
    void anSmtpPortInUseFailsNamingItsLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LoadedConfig loaded = load(taken.getLocalPort(), 0, TestPipeline.write(home.resolve("conf")));

            assertThatThrownBy(() -> PostlineServer.start(loaded, home))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining(":6: listeners/smtp[in]: ");
        }
        assertThat(home.resolve("var/admin.sock")).doesNotExist();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void assertPortFree(int port) throws Exception {
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
