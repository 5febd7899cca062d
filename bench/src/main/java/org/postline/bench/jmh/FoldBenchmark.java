package org.postline.bench.jmh;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.GenericMatcher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.MailRepository;
import org.postline.bench.Messages;
import org.postline.container.mail.PostlineMail;
import org.postline.container.processing.MailetFailurePolicy;
import org.postline.container.processing.MatchFailurePolicy;
import org.postline.container.processing.MatcherMailetPair;
import org.postline.container.processing.Pipeline;
import org.postline.container.processing.Processor;

/**
 * The processor fold: a mail with {@code recipients} recipients through a pipeline shaped like the shipped one
 * (root: a few header mailets, then to transport; transport: a matcher that splits local from remote
 * recipients, header work, then ghost), with in-memory mailets so only the fold and the mail's copies cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FoldBenchmark {

    @Param({"1", "10"})
    public int recipients;

    private Pipeline pipeline;
    private byte[] message;
    private List<MailAddress> to;

    /** Matches the recipients of one domain: with mixed recipients, the fold splits the mail. */
    static final class DomainIs extends GenericMatcher {
        private final String domain;

        DomainIs(String domain) {
            this.domain = domain;
        }

        @Override
        public Collection<MailAddress> match(Mail mail) {
            List<MailAddress> matched = new ArrayList<>();
            for (MailAddress rcpt : mail.getRecipients()) {
                if (rcpt.getDomain().asString().equals(domain)) {
                    matched.add(rcpt);
                }
            }
            return matched;
        }
    }

    static final class All extends GenericMatcher {
        @Override
        public Collection<MailAddress> match(Mail mail) {
            return mail.getRecipients();
        }
    }

    /** Sets a header, as RemoveMimeHeader/AddHeader-style mailets do (touches the MimeMessage). */
    static final class SetHeader extends GenericMailet {
        private final String name;

        SetHeader(String name) {
            this.name = name;
        }

        @Override
        public void service(Mail mail) throws MessagingException {
            mail.getMessage().setHeader(name, "benchmark");
        }
    }

    static final class ToState extends GenericMailet {
        private final String state;

        ToState(String state) {
            this.state = state;
        }

        @Override
        public void service(Mail mail) {
            mail.setState(state);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        message = new Messages("bob@remote.example", 5120).message("alice@bench.test", "fold bench");
        to = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            to.add(new MailAddress("user" + i + (i % 2 == 0 ? "@bench.test" : "@remote.example")));
        }
        List<MatcherMailetPair> root = List.of(
                pair(new All(), new SetHeader("X-Root-1")),
                pair(new All(), new SetHeader("X-Root-2")),
                pair(new All(), new ToState("transport")));
        List<MatcherMailetPair> transport = List.of(
                pair(new All(), new SetHeader("X-Transport")),
                pair(new DomainIs("bench.test"), new ToState(Mail.GHOST)),
                pair(new All(), new ToState(Mail.GHOST)));
        List<MatcherMailetPair> error = List.of(pair(new All(), new ToState(Mail.GHOST)));
        pipeline = new Pipeline(Map.of("root", new Processor("root", root),
                "transport", new Processor("transport", transport), "error", new Processor("error", error)),
                new NoRepositories(), "error", List.of());
    }

    private static MatcherMailetPair pair(GenericMatcher matcher, GenericMailet mailet) {
        return new MatcherMailetPair(matcher, mailet, MatchFailurePolicy.DEFAULT, MailetFailurePolicy.DEFAULT,
                mailet.getClass().getSimpleName());
    }

    @Benchmark
    public String foldOneMail() throws Exception {
        MimeMessage mime = new MimeMessage(Session.getDefaultInstance(new java.util.Properties()),
                new ByteArrayInputStream(message));
        PostlineMail mail = new PostlineMail(PostlineMail.newName(), MaybeSender.getMailSender("bob@remote.example"),
                to, mime);
        pipeline.process(mail);
        return mail.getState();
    }

    /** The fold never stores here (every mail ends as ghost); a store would be a bug in the benchmark. */
    static final class NoRepositories implements MailRepositories {
        @Override
        public MailRepository get(String name) {
            throw new IllegalStateException("the benchmark pipeline stored a mail in '" + name + "'");
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    }
}
