package org.postline.container.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.inject.Guice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;
import org.postline.container.ContainerEnvironment;
import org.postline.container.MailetContainer;
import org.postline.container.testkit.TestEnv;

/** RemoteDelivery's parameters: James's forms, Postline's defaults, and loud errors. */
class RemoteDeliveryConfigTest {

    private static final String BOUNCES = "<processor state=\"bounces\"><mailet match=\"All\" class=\"Null\"/></processor>";

    @TempDir
    Path dir;

    @Test
    void durationsInEveryAcceptedForm() {
        assertThat(Durations.parse("5000")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2 hours")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse(" 5d ")).isEqualTo(Duration.ofDays(5));
        assertThatThrownBy(() -> Durations.parse("5 fortnights")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    }

    @Test
    void theRetryScheduleRepeatsItsLastDelayUpToMaxRetries() {
        RetrySchedule schedule = RetrySchedule.parse("5m, 15m, 2*1h", OptionalInt.empty());
        assertThat(schedule.delays()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofHours(1), Duration.ofHours(1));
        assertThat(schedule.delayAfter(0)).contains(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(3)).contains(Duration.ofHours(1));
        assertThat(schedule.delayAfter(100)).contains(Duration.ofHours(1));
        assertThat(schedule.shortest()).isEqualTo(Duration.ofMinutes(5));

        RetrySchedule james = RetrySchedule.parse("5000, 100000, 500000", OptionalInt.of(3));
        assertThat(james.delayAfter(0)).contains(Duration.ofSeconds(5));
        assertThat(james.delayAfter(2)).contains(Duration.ofSeconds(500));
        assertThat(james.delayAfter(3)).isEmpty();
        assertThatThrownBy(() -> RetrySchedule.parse("0", OptionalInt.empty())).hasMessageContaining("positive");
        assertThatThrownBy(() -> RetrySchedule.parse("x*1h", OptionalInt.empty())).hasMessageContaining("multiplier");
    }

    @Test
    void defaultsAndASmartHost() {
        DeliveryConfig defaults = DeliveryConfig.parse(Map.of(), "mail.example.org");
        assertThat(defaults.queue()).isEqualTo("outgoing");
        assertThat(defaults.schedule().delays()).hasSize(6);
        assertThat(defaults.schedule().maxRetries()).isEmpty();
        assertThat(defaults.maxAge()).isEqualTo(Duration.ofDays(5));
        assertThat(defaults.bounceProcessor()).contains("bounces");
        assertThat(defaults.smtpPort()).isEqualTo(25);
        assertThat(defaults.heloName()).isEqualTo("mail.example.org");
        assertThat(defaults.gateways()).isEmpty();
        assertThat(defaults.delayWarning()).isEmpty();

        DeliveryConfig relay = DeliveryConfig.parse(Map.of("gateway", "smtp.example.net, [2001:db8::1]:2525",
                "gatewayPort", "587", "gatewayUsername", "alice", "gatewayPassword", "top-secret",
                "requireTls", "example.com .example.net", "bounceProcessor", ""), "mail.example.org");
        assertThat(relay.gateways()).containsExactly(new DeliveryConfig.Gateway("smtp.example.net", 587),
                new DeliveryConfig.Gateway("2001:db8::1", 2525));
        assertThat(relay.gatewayTls()).isEqualTo(DeliveryConfig.GatewayTls.STARTTLS);
        assertThat(relay.bounceProcessor()).isEmpty();
        assertThat(relay.requiresTls("EXAMPLE.com")).isTrue();
        assertThat(relay.requiresTls("mx.example.net")).isTrue();
        assertThat(relay.requiresTls("example.org")).isFalse();
        assertThat(relay.toString()).doesNotContain("top-secret");
        assertThat(relay.credentials().orElseThrow().password()).isEqualTo("top-secret");
        DeliveryConfig fromEnvironment = DeliveryConfig.parse(Map.of("gateway", "relay.test", "gatewayUsername", "a",
                "gatewayPassword", "${env:PATH}"), "h");
        assertThat(fromEnvironment.credentials().orElseThrow().password()).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void badValuesNameTheParameter() {
        assertThatThrownBy(() -> DeliveryConfig.parse(Map.of("delayTime", "5 weeks"), "h"))
                .hasMessageStartingWith("delayTime:");
        assertThatThrownBy(() -> DeliveryConfig.parse(Map.of("maxRetries", "-1"), "h"))
                .hasMessageStartingWith("maxRetries:");
        assertThatThrownBy(() -> DeliveryConfig.parse(Map.of("gatewayTls", "maybe"), "h"))
                .hasMessageStartingWith("gatewayTls:");
        assertThatThrownBy(() -> DeliveryConfig.parse(Map.of("gatewayUsername", "alice"), "h"))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> DeliveryConfig.parse(Map.of("outgoingQueue", "../x"), "h"))
                .hasMessageStartingWith("outgoingQueue:");
        assertThatThrownBy(() -> DeliveryConfig.parse(Map.of("gateway", "relay.test", "gatewayUsername", "alice",
                "gatewayPassword", "${env:POSTLINE_TEST_SURELY_UNSET}"), "h"))
                .hasMessageContaining("POSTLINE_TEST_SURELY_UNSET is not set");
    }

    private ConfigException loadFails(String root, String otherProcessors, TestEnv env) {
        Path file = TestEnv.write(dir, TestEnv.pipeline(root, otherProcessors));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MailetContainer.load(file, env.environment()).close());
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e;
    }

    @Test
    void mistakesStopTheStart() {
        assertThat(loadFails("<mailet match=\"All\" class=\"RemoteDelivery\"><delaytime>5m</delaytime></mailet>",
                BOUNCES, new TestEnv()).getMessage())
                .contains("unknown parameter(s) [delaytime]");
        assertThat(loadFails("<mailet match=\"All\" class=\"RemoteDelivery\"/>", "", new TestEnv()).getMessage())
                .contains("sends mail to processor 'bounces', which is not defined");
        assertThat(loadFails("<mailet match=\"All\" class=\"RemoteDelivery\"><bounceProcessor/></mailet>"
                + "<mailet match=\"All\" class=\"RemoteDelivery\"><bounceProcessor/></mailet>", "", new TestEnv())
                .getMessage()).contains("queue 'outgoing' is used by another RemoteDelivery");
    }

    @Test
    void withoutTheStoresQueuesRemoteDeliveryRefusesToStart() {
        TestEnv env = new TestEnv();
        ContainerEnvironment full = env.environment();
        ContainerEnvironment withoutQueues = new ContainerEnvironment(full.hostName(), full.postmaster(), full.domains(),
                full.users(), full.rewrites(), full.spool(), full.repositories(), full.spoolConfig(), full.dns(),
                Guice.createInjector(), full.extensionLoader());
        Path file = TestEnv.write(dir, TestEnv.pipeline(
                "<mailet match=\"All\" class=\"RemoteDelivery\"><bounceProcessor/></mailet>"));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MailetContainer.load(file, withoutQueues).close());
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("MailQueues");
    }

    @Test
    void jamesParametersWithoutEffectAreAccepted() throws Exception {
        Path file = TestEnv.write(dir, TestEnv.pipeline("<mailet match=\"All\" class=\"RemoteDelivery\">"
                + "<sendpartial>true</sendpartial><maxDnsProblemRetries>0</maxDnsProblemRetries>"
                + "<delayTime>5000, 100000, 500000</delayTime><maxRetries>3</maxRetries>"
                + "<mail.smtp.ssl.protocols>TLSv1.3</mail.smtp.ssl.protocols></mailet>",
                BOUNCES));
        try (MailetContainer container = MailetContainer.load(file, new TestEnv().environment())) {
            assertThat(container.processorNames()).contains("root", "bounces");
        }
    }
}
