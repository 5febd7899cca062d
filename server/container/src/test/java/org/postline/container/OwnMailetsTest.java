package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mailets.ToCamelEndpoint;
import org.postline.container.testkit.TestEnv;

/** Postline's own mailets: ToRepository, ToCamelEndpoint, Bounce. */
class OwnMailetsTest {

    @TempDir
    Path dir;
    private final TestEnv env = new TestEnv();
    private MailetContainer container;

    @AfterEach
    void close() {
        if (container != null) {
            container.close();
        }
    }

    private MailetContainer load(String root) throws Exception {
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(root)), env.environment());
        return container;
    }

    @Test
    void toCamelEndpointWritesRawBytesAndEnvelopeHeadersToAFileEndpoint() throws Exception {
        Path out = Files.createDirectory(dir.resolve("export"));
        load("<mailet match=\"All\" class=\"ToCamelEndpoint\"><uri>file:" + out.toAbsolutePath() + "</uri></mailet>"
                + "<mailet match=\"All\" class=\"ToRepository\"><repository>after</repository></mailet>");
        PostlineMail mail = TestEnv.mail("carol@example.net", "alice@example.org", "bob@example.org");
        container.pipeline().process(mail);

        try (Stream<Path> files = Files.list(out)) {
            List<Path> written = files.toList();
            assertThat(written).singleElement().satisfies(f -> {
                assertThat(f.getFileName().toString()).isEqualTo(mail.getName() + ".eml");
                assertThat(Files.readString(f, StandardCharsets.US_ASCII)).isEqualTo(TestEnv.MESSAGE);
            });
        }
        // passThrough defaults to true: the mail went on.
        assertThat(env.repositories.repo("after").list()).hasSize(1);
    }

    @Test
    void toCamelEndpointSetsTheEnvelopeHeaders() throws Exception {
        load("<mailet match=\"All\" class=\"ToCamelEndpoint\"><uri>seda:exported</uri><passThrough>false</passThrough></mailet>");
        CamelContext camel = container.camelContext();
        PostlineMail mail = TestEnv.mail("carol@example.net", "alice@example.org", "bob@example.org");
        container.pipeline().process(mail);
        try (ConsumerTemplate consumer = camel.createConsumerTemplate()) {
            Exchange exchange = consumer.receive("seda:exported", 5_000);
            assertThat(exchange).isNotNull();
            assertThat(exchange.getIn().getBody(byte[].class)).isEqualTo(TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII));
            assertThat(exchange.getIn().getHeader(ToCamelEndpoint.HEADER_SENDER)).isEqualTo("carol@example.net");
            assertThat(exchange.getIn().getHeader(ToCamelEndpoint.HEADER_RECIPIENTS)).isEqualTo("alice@example.org,bob@example.org");
            assertThat(exchange.getIn().getHeader(ToCamelEndpoint.HEADER_MAIL_NAME)).isEqualTo(mail.getName());
        }
        assertThat(mail.getState()).isEqualTo("ghost");
    }

    @Test
    void toCamelEndpointFailureFollowsOnMailetException() throws Exception {
        load("<mailet match=\"All\" class=\"ToCamelEndpoint\"><uri>direct:nobody-listens?block=false</uri></mailet>");
        container.pipeline().process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.repositories.repo("error").envelopes()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("direct:nobody-listens"));
    }

    @Test
    void toCamelEndpointRejectsAnUnknownComponent() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> load("<mailet match=\"All\" class=\"ToCamelEndpoint\"><uri>nosuchcomponent:x</uri></mailet>"));
        assertThat(e.getMessage()).contains("Camel does not know the endpoint nosuchcomponent:x");
    }

    @Test
    void toRepositoryAcceptsJamesUrlsAndPassThrough() throws Exception {
        load("<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>file://var/mail/spam/</repositoryPath>"
                + "<passThrough>true</passThrough></mailet>"
                + "<mailet match=\"All\" class=\"ToRepository\"><repository>kept</repository></mailet>");
        PostlineMail mail = TestEnv.mail("carol@example.net", "alice@example.org");
        container.pipeline().process(mail);
        assertThat(env.repositories.repo("spam").list()).hasSize(1);
        assertThat(env.repositories.repo("kept").list()).hasSize(1);
        assertThat(mail.getState()).isEqualTo("ghost");
    }

    @Test
    void toRepositoryNeedsARepository() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> load("<mailet match=\"All\" class=\"ToRepository\"><passThrough>true</passThrough></mailet>"));
        assertThat(e.getMessage()).contains("repository (a name) or repositoryPath is required");
    }

    @Test
    void bounceWithoutPassThroughEndsTheMail() throws Exception {
        load("<mailet match=\"All\" class=\"Bounce\"><notice>gone</notice><attachment>none</attachment>"
                + "<passThrough>false</passThrough></mailet>");
        container.pipeline().process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.spool.all()).singleElement().satisfies(b -> {
            assertThat(b.envelope().recipients()).containsExactly("carol@example.net");
            assertThat(new String(env.spool.content(b.id()), StandardCharsets.US_ASCII)).contains("gone")
                    .doesNotContain("message/rfc822");
        });
        assertThat(env.repositories.repo("error").list()).isEmpty();
    }

    /** A route added by a test to the container's Camel context must not disturb it (and shows it is usable). */
    @Test
    void extensionsCanUseTheContainersCamelContext() throws Exception {
        load("<mailet match=\"All\" class=\"ToCamelEndpoint\"><uri>direct:in</uri></mailet>"
                + "<mailet match=\"All\" class=\"Null\"/>");
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        container.camelContext().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").process(e -> seen.add(e.getIn().getHeader(ToCamelEndpoint.HEADER_SENDER, String.class)));
            }
        });
        container.pipeline().process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(seen).containsExactly("carol@example.net");
    }
}
