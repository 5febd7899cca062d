package org.postline.container.testkit;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.mail.Session;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.postline.api.config.DnsConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.SessionFacts;
import org.postline.container.ContainerEnvironment;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;

/** A container environment of in-memory fakes: example.org is local, alice and bob live there. */
public final class TestEnv {

    public final FakeSpool spool = new FakeSpool();
    public final FakeRepositories repositories = new FakeRepositories();
    public final Recorder recorder = new Recorder();
    public final Gate gate = new Gate();
    public final Domains domains = FakeDirectory.domains("example.org");
    public final Users users = FakeDirectory.users("alice@example.org", "bob@example.org", "postmaster@example.org");
    public SpoolConfig spoolConfig = new SpoolConfig(2, 3, Duration.ofMillis(50), 1000);
    public final FakeMailQueues queues = new FakeMailQueues(spool);
    /** Never asked unless a test points it at its fake DNS server: a closed local port with a short timeout. */
    public DnsConfig dns = new DnsConfig(List.of(new InetSocketAddress("127.0.0.1", 9)), Duration.ofMillis(200));
    public final RecipientRewrites rewrites = FakeDirectory.noRewrites();
    /** Users' mailboxes for LocalDelivery: James's in-memory manager (a test may wrap it before start). */
    public MailboxManager mailboxes = InMemoryIntegrationResources.defaultResources().getMailboxManager();

    public ContainerEnvironment environment() {
        return new ContainerEnvironment("mail.example.org", "postmaster@example.org", domains, users,
                rewrites, spool, repositories, spoolConfig, dns,
                Guice.createInjector(new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Recorder.class).toInstance(recorder);
                        bind(Gate.class).toInstance(gate);
                        bind(MailQueues.class).toInstance(queues);
                        bind(Domains.class).toInstance(domains);
                        bind(Users.class).toInstance(users);
                        bind(RecipientRewrites.class).toInstance(rewrites);
                        bind(MailboxManager.class).toInstance(mailboxes);
                    }
                }),
                TestEnv.class.getClassLoader());
    }

    public static Path write(Path dir, String xml) {
        try {
            Path file = dir.resolve("mailetcontainer.xml");
            Files.writeString(file, xml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mailetcontainer.xml whose root processor holds {@code root} and whose other processors are given whole. */
    public static String pipeline(String root, String... otherProcessors) {
        StringBuilder xml = new StringBuilder("<mailetcontainer>\n<processors>\n<processor state=\"root\">\n")
                .append(root).append("\n</processor>\n");
        boolean hasError = false;
        for (String p : otherProcessors) {
            xml.append(p).append('\n');
            hasError |= p.contains("state=\"error\"");
        }
        if (!hasError) {
            xml.append("<processor state=\"error\">\n<mailet match=\"All\" class=\"ToRepository\">"
                    + "<repository>error</repository></mailet>\n</processor>\n");
        }
        return xml.append("</processors>\n</mailetcontainer>\n").toString();
    }

    public static final String MESSAGE = "Received: from client.example.net by mail.example.org\r\n"
            + "From: Carol <carol@example.net>\r\n"
            + "To: alice@example.org\r\n"
            + "Bcc: secret@example.org\r\n"
            + "Subject: Hello\r\n"
            + "Message-ID: <original@example.net>\r\n"
            + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
            + "\r\n"
            + "Hello Alice,\r\n"
            + "this line ends in two spaces  \r\n"
            + "bye\r\n";

    public static PostlineMail mail(String sender, String... recipients) {
        try {
            List<MailAddress> rcpts = new java.util.ArrayList<>();
            for (String r : recipients) {
                rcpts.add(new MailAddress(r));
            }
            return new PostlineMail(PostlineMail.newName(),
                    sender == null ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender)), rcpts,
                    SourcedMimeMessage.of(Session.getInstance(new java.util.Properties()),
                            MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static Envelope envelope(String sender, Optional<String> authUser, String... recipients) {
        return new Envelope(PostlineMail.newName(), Optional.ofNullable(sender), List.of(recipients), "root",
                Optional.empty(), Map.of(),
                new SessionFacts("192.0.2.10", "client.example.net", "client.example.net", authUser, false, "smtp"),
                DsnRequest.none());
    }
}
