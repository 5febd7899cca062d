package org.postline.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.BodyStorage;
import org.postline.api.config.ConfigException;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerConfig.Protocol;
import org.postline.api.config.ListenerConfig.TlsMode;
import org.postline.api.config.ListenerLimits;
import org.postline.api.config.ServerConfig;
import org.postline.api.config.SpoolConfig;

class ConfigLoaderTest {

    @TempDir
    Path home;

    private ConfigLoader loader() {
        return new ConfigLoader(home, Map.of("DB_SECRET", "s3cret"), "mail.test.example");
    }

    private Path write(String xml) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        return Files.writeString(conf.resolve("postline.xml"), xml);
    }

    private ServerConfig load(String xml) throws Exception {
        return loader().load(write(xml)).config();
    }

    private ConfigException failure(String xml) throws IOException {
        Path file = write(xml);
        try {
            loader().load(file);
        } catch (ConfigException e) {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.getMessage()).startsWith(file + ":" + e.line() + ": " + e.setting() + ": ");
            return e;
        }
        throw new AssertionError("expected a ConfigException for " + xml);
    }

    @Test
    void emptyRootGivesDefaults() throws Exception {
        ServerConfig config = load("<postline/>");

        assertThat(config.hostName()).isEqualTo("mail.test.example");
        assertThat(config.domains()).containsExactly("localhost");
        assertThat(config.defaultDomain()).isEqualTo("localhost");
        assertThat(config.postmaster()).isEqualTo("postmaster@localhost");
        assertThat(config.varDirectory()).isEqualTo(home.resolve("var"));
        assertThat(config.storage().jdbcUrl()).isEqualTo("jdbc:derby:" + home.resolve("var/derby") + ";create=true");
        assertThat(config.storage().blobDirectory()).isEqualTo(home.resolve("var/blobs"));
        assertThat(config.storage().bodies()).isEqualTo(BodyStorage.FILES);
        assertThat(config.broker()).isEmpty();
        assertThat(config.listeners()).extracting(ListenerConfig::name, ListenerConfig::port, ListenerConfig::tlsMode, ListenerConfig::authRequired)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("smtp", 25, TlsMode.STARTTLS, false),
                        org.assertj.core.groups.Tuple.tuple("submission", 587, TlsMode.STARTTLS, true),
                        org.assertj.core.groups.Tuple.tuple("smtps", 465, TlsMode.IMPLICIT, true));
        assertThat(config.relay().networks()).isEmpty();
        assertThat(config.spool()).isEqualTo(SpoolConfig.defaults());
        assertThat(config.admin().socket()).isEqualTo(home.resolve("var/admin.sock"));
        assertThat(config.mailetContainerFile()).isEqualTo(home.resolve("conf/mailetcontainer.xml"));
    }

    @Test
    void imapLiteralLimitsAreRead() throws Exception {
        LoadedConfig loaded = loader().load(write("""
                <postline>
                  <listeners>
                    <imap name="imap" port="1143" literalSizeBeforeLogin="16K" maxLiteralsPerCommand="8"/>
                    <imap name="imaps" port="1993" tls="implicit"/>
                  </listeners>
                </postline>
                """));
        assertThat(loaded.imapLimitsOf("imap").literalSizeBeforeLogin()).isEqualTo(16 * 1024);
        assertThat(loaded.imapLimitsOf("imap").maxLiteralsPerCommand()).isEqualTo(8);
        assertThat(loaded.imapLimitsOf("imaps")).isEqualTo(org.postline.protocols.imap.ImapLimits.defaults());
    }

    @Test
    void everySettingIsRead() throws Exception {
        ServerConfig config = load("""
                <postline>
                  <hostname>MX.Example.ORG</hostname>
                  <var dir="/srv/postline"/>
                  <domains default="example.org" postmaster="hostmaster@Example.NET"><domain>example.net</domain><domain>Example.org</domain></domains>
                  <storage><jdbc url="jdbc:postgresql://db/postline" user="pl" password="${env:DB_SECRET}" pool="7"/><blobs dir="data/blobs"/></storage>
                  <listeners>
                    <smtp name="in" port="2525" bind="127.0.0.1" tls="none" auth="required" plainAuthWithoutTls="true" loopbackIsSecure="false">
                      <limits maxMessageSize="10M" maxLineLength="2000" maxRecipients="5" maxConnections="9" maxConnectionsPerIp="3"
                              idleTimeout="90s" maxBadCommands="4" authFailureDelay="500ms" maxAuthFailures="2"/>
                    </smtp>
                    <pop3/>
                    <imap tls="implicit"/>
                  </listeners>
                  <relay senderMustBeOwnAddress="false"><network>10.0.0.0/8</network><network>2001:db8::1</network></relay>
                  <dns timeout="2s"><resolver>192.0.2.53</resolver><resolver>[2001:db8::53]:5353</resolver></dns>
                  <spool workers="2" maxAttempts="3" retryDelay="1m" maxQueued="50"/>
                  <broker url="tcp://broker.example.org:61616" user="pl" password="${env:DB_SECRET}"/>
                  <admin socket="run/admin.sock"/>
                  <mailetcontainer file="${var}/pipeline.xml"/>
                </postline>
                """);

        assertThat(config.hostName()).isEqualTo("mx.example.org");
        assertThat(config.varDirectory()).isEqualTo(Path.of("/srv/postline"));
        assertThat(config.domains()).containsExactly("example.net", "example.org");
        assertThat(config.defaultDomain()).isEqualTo("example.org");
        assertThat(config.postmaster()).isEqualTo("hostmaster@example.net");
        assertThat(config.storage().jdbcUrl()).isEqualTo("jdbc:postgresql://db/postline");
        assertThat(config.storage().user()).contains("pl");
        assertThat(config.storage().password()).contains("s3cret");
        assertThat(config.storage().toString()).doesNotContain("s3cret");
        assertThat(config.storage().poolSize()).isEqualTo(7);
        assertThat(config.storage().blobDirectory()).isEqualTo(home.resolve("data/blobs"));
        assertThat(config.storage().bodies()).isEqualTo(BodyStorage.DATABASE);
        assertThat(config.broker()).hasValueSatisfying(broker -> {
            assertThat(broker.url()).isEqualTo("tcp://broker.example.org:61616");
            assertThat(broker.user()).contains("pl");
            assertThat(broker.password()).contains("s3cret");
            assertThat(broker.queuePrefix()).isEqualTo("postline.");
            assertThat(broker.toString()).doesNotContain("s3cret");
        });
        assertThat(config.listeners()).containsExactly(
                new ListenerConfig("in", Protocol.SMTP, "127.0.0.1", 2525, TlsMode.NONE, true, true, false, java.util.Optional.empty(),
                        new ListenerLimits(10L << 20, 2000, 5, 9, 3, Duration.ofSeconds(90), 4, Duration.ofMillis(500), 2)),
                new ListenerConfig("pop3", Protocol.POP3, "0.0.0.0", 110, TlsMode.STARTTLS, true, false, true, java.util.Optional.empty(),
                        ListenerLimits.defaults()),
                new ListenerConfig("imaps", Protocol.IMAP, "0.0.0.0", 993, TlsMode.IMPLICIT, true, false, true, java.util.Optional.empty(),
                        ListenerLimits.defaults()));
        assertThat(config.relay().networks()).containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:1/128");
        assertThat(config.relay().senderMustBeOwnAddress()).isFalse();
        assertThat(config.dns().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.dns().resolvers()).containsExactly(
                new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("2001:db8::53", 5353));
        assertThat(config.spool()).isEqualTo(new SpoolConfig(2, 3, Duration.ofMinutes(1), 50));
        assertThat(config.admin().socket()).isEqualTo(home.resolve("run/admin.sock"));
        assertThat(config.mailetContainerFile()).isEqualTo(Path.of("/srv/postline/pipeline.xml"));
    }

    @Test
    void listenerLinesAreKept() throws Exception {
        LoadedConfig loaded = loader().load(write("<postline>\n<listeners>\n<smtp name='a' port='0'/>\n\n<smtp name='b' port='0'/>\n</listeners>\n</postline>"));
        assertThat(loaded.lineOf("a")).isEqualTo(3);
        assertThat(loaded.lineOf("b")).isEqualTo(5);
        assertThat(loaded.lineOf("nope")).isZero();
    }

    @Test
    void tlsKeystoreMustBeReadable() throws Exception {
        Path keystore = Files.writeString(home.resolve("ks.p12"), "not really");
        ServerConfig config = load("<postline><listeners><smtp port='0'><tls keystore='ks.p12' secret='pw'/></smtp></listeners></postline>");
        assertThat(config.listeners().get(0).tls().orElseThrow().keystore()).contains(keystore);
        assertThat(config.listeners().get(0).tls().orElseThrow().keystoreType()).isEqualTo("PKCS12");

        ConfigException e = failure("<postline>\n<listeners>\n<smtp port='0'>\n<tls keystore='missing.p12'/>\n</smtp></listeners></postline>");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.setting()).isEqualTo("listeners/smtp/tls/keystore");
        assertThat(e.getMessage()).contains("missing.p12 does not exist");

        e = failure("<postline><listeners><smtp port='0'><tls key='ks.p12'/></smtp></listeners></postline>");
        assertThat(e.setting()).isEqualTo("listeners/smtp/tls/chain");
    }

    @Test
    void shippedConfigurationParses() throws Exception {
        Path shipped = Path.of("../../conf/postline.xml").toAbsolutePath().normalize();
        assertThat(shipped).exists();

        LoadedConfig loaded = new ConfigLoader(home, Map.of(), "mail.test.example").load(shipped);

        ServerConfig config = loaded.config();
        // The SMTP listeners come first; the POP3 and IMAP ones follow as those front-ends are enabled.
        assertThat(config.listeners()).extracting(ListenerConfig::name).startsWith("smtp", "submission", "smtps");
        assertThat(config.listeners()).extracting(ListenerConfig::port).startsWith(25, 587, 465);
        assertThat(config.relay().networks()).isEmpty();
        assertThat(config.admin().socket()).isEqualTo(home.resolve("var/admin.sock"));
        assertThat(config.mailetContainerFile()).isEqualTo(home.resolve("conf/mailetcontainer.xml"));
        assertThat(loaded.lineOf("smtp")).isPositive();
    }
}
