package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.Envelope;
import org.postline.container.testkit.TestEnv;

/**
 * A James 3.8 pipeline carries over; more apache-mailet-standard mailets run on Postline's Mail; a mailet
 * from a jar-like extension class loader is found and created through Guice.
 */
class CompatibilityTest {

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

    /** The shape of James's jpa-app sample, with the mailets James has and Postline has too. */
    private static final String JAMES_STYLE = """
            <?xml version="1.0"?>
            <mailetcontainer enableJmx="true">
                <context>
                    <postmaster>postmaster</postmaster>
                </context>
                <spooler>
                    <threads>20</threads>
                    <errorRepository>file://var/mail/error/</errorRepository>
                </spooler>
                <processors>
                    <processor state="root" enableJmx="true">
                        <mailet match="All" class="PostmasterAlias"/>
                        <mailet match="RelayLimit=30" class="Null"/>
                        <mailet match="All" class="ToProcessor">
                            <processor>transport</processor>
                        </mailet>
                    </processor>
                    <processor state="error" enableJmx="true">
                        <mailet match="All" class="Bounce">
                            <onMailetException>ignore</onMailetException>
                        </mailet>
                        <mailet match="All" class="ToRepository">
                            <repositoryPath>file://var/mail/error/</repositoryPath>
                            <onMailetException>propagate</onMailetException>
                        </mailet>
                    </processor>
                    <processor state="transport" enableJmx="true">
                        <matcher name="relay-allowed" match="org.apache.james.mailetcontainer.impl.matchers.Or">
                            <matcher match="SMTPAuthSuccessful"/>
                            <matcher match="SMTPIsAuthNetwork"/>
                            <matcher match="SentByMailet"/>
                        </matcher>
                        <mailet match="All" class="RemoveMimeHeader">
                            <name>bcc</name>
                            <onMailetException>ignore</onMailetException>
                        </mailet>
                        <mailet match="RecipientIsLocal" class="ToRepository">
                            <repositoryPath>file://var/mail/inbox/</repositoryPath>
                        </mailet>
                        <mailet match="HostIsLocal" class="ToProcessor">
                            <processor>local-address-error</processor>
                            <notice>550 - Requested action not taken: no such user here</notice>
                        </mailet>
                        <mailet match="relay-allowed" class="ToProcessor">
                            <processor>relay</processor>
                        </mailet>
                        <mailet match="All" class="ToProcessor">
                            <processor>relay-denied</processor>
                        </mailet>
                    </processor>
                    <processor state="relay" enableJmx="true">
                        <mailet match="All" class="ToRepository">
                            <repositoryPath>file://var/mail/outgoing/</repositoryPath>
                        </mailet>
                    </processor>
                    <processor state="local-address-error" enableJmx="true">
                        <mailet match="All" class="Bounce">
                            <attachment>none</attachment>
                        </mailet>
                        <mailet match="All" class="ToRepository">
                            <repositoryPath>file://var/mail/address-error/</repositoryPath>
                        </mailet>
                    </processor>
                    <processor state="relay-denied" enableJmx="true">
                        <mailet match="All" class="Bounce">
                            <attachment>none</attachment>
                        </mailet>
                        <mailet match="All" class="ToRepository">
                            <repositoryPath>file://var/mail/relay-denied/</repositoryPath>
                        </mailet>
                    </processor>
                </processors>
            </mailetcontainer>
            """;

    @Test
    void aJamesPipelineLoadsAndRuns() throws Exception {
        container = MailetContainer.load(TestEnv.write(dir, JAMES_STYLE), env.environment());
        container.pipeline().process(TestEnv.mail("carol@example.net", "alice@example.org", "dave@example.com",
                "nobody@example.org"));
        assertThat(env.repositories.repo("inbox").envelopes()).singleElement()
                .extracting(Envelope::recipients).isEqualTo(List.of("alice@example.org"));
        assertThat(env.repositories.repo("relay-denied").envelopes()).singleElement()
                .extracting(Envelope::recipients).isEqualTo(List.of("dave@example.com"));
        assertThat(env.repositories.repo("address-error").envelopes()).singleElement()
                .extracting(Envelope::recipients).isEqualTo(List.of("nobody@example.org"));
        assertThat(env.spool.all()).hasSize(2); // two bounces, back into the spool
    }

    @Test
    void moreStandardMailetsWorkOnPostlineMail() throws Exception {
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline("""
                <mailet match="All" class="RecipientToLowerCase"/>
                <mailet match="All" class="SetMailAttribute"><org.example.flag>yes</org.example.flag></mailet>
                <mailet match="HasMailAttribute=org.example.flag" class="SetMimeHeader">
                    <name>X-Flagged</name><value>true</value>
                </mailet>
                <mailet match="SubjectStartsWith=Hello" class="AddSubjectPrefix"><subjectPrefix>[list]</subjectPrefix></mailet>
                <mailet match="All" class="AddFooter"><text>-- sent through Postline</text></mailet>
                <mailet match="SizeGreaterThan=1m" class="Null"/>
                <mailet match="All" class="ToRepository"><repository>out</repository></mailet>
                """)), env.environment());
        container.pipeline().process(TestEnv.mail("carol@example.net", "ALICE@example.org"));
        var out = env.repositories.repo("out");
        assertThat(out.envelopes()).singleElement().satisfies(e -> {
            assertThat(e.recipients()).containsExactly("alice@example.org");
            assertThat(e.attributes()).containsKey("org.example.flag");
        });
        String stored = new String(out.bytes(out.list().get(0).id()), StandardCharsets.UTF_8);
        assertThat(stored).contains("X-Flagged: true").contains("Subject: [list] Hello")
                .contains("Message-ID: <original@example.net>").contains("Hello Alice,")
                .contains("-- sent through Postline");
    }

    @Test
    void aMailetFromTheExtensionLoaderIsCreatedThroughGuice() throws Exception {
        Path classes = compileExtension();
        try (URLClassLoader extensions = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            var environment = env.environment();
            environment = new ContainerEnvironment(environment.hostName(), environment.postmaster(), environment.domains(),
                    environment.users(), environment.rewrites(), environment.spool(), environment.repositories(),
                    environment.spoolConfig(), environment.dns(), environment.injector(), extensions);
            container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(
                    "<mailet match=\"All\" class=\"com.example.ext.Stamp\"><stamp>by-extension</stamp></mailet>"
                            + "<mailet match=\"All\" class=\"ToRepository\"><repository>out</repository></mailet>")),
                    environment);
            container.pipeline().process(TestEnv.mail("carol@example.net", "alice@example.org"));
        }
        var out = env.repositories.repo("out");
        assertThat(new String(out.bytes(out.list().get(0).id()), StandardCharsets.UTF_8))
                .contains("X-Stamp: by-extension for postmaster@example.org");
    }

    /** Compiles a small mailet that @Injects a server service (the mail repositories) into its own directory. */
    private Path compileExtension() throws IOException {
        Path src = Files.createDirectories(dir.resolve("ext-src/com/example/ext"));
        Files.writeString(src.resolve("Stamp.java"), """
                package com.example.ext;
                import javax.inject.Inject;
                import javax.mail.MessagingException;
                import org.apache.mailet.Mail;
                import org.apache.mailet.base.GenericMailet;
                import org.postline.api.queue.MailRepositories;
                public class Stamp extends GenericMailet {
                    private final MailRepositories repositories;
                    @Inject public Stamp(MailRepositories repositories) { this.repositories = repositories; }
                    @Override public void service(Mail mail) throws MessagingException {
                        if (repositories == null) throw new MessagingException("not injected");
                        mail.getMessage().setHeader("X-Stamp", getInitParameter("stamp") + " for "
                                + getMailetContext().getPostmaster().asString());
                        mail.getMessage().saveChanges();
                    }
                }
                """);
        Path out = Files.createDirectories(dir.resolve("ext-classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int rc = compiler.run(null, null, null, "-d", out.toString(), "-cp", System.getProperty("java.class.path"),
                src.resolve("Stamp.java").toString());
        assertThat(rc).as("extension compiles").isZero();
        return out;
    }
}
