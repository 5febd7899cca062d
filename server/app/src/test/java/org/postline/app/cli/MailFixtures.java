package org.postline.app.cli;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.Spool;

/** Envelopes, messages and pipelines for the repo and queue command tests. */
final class MailFixtures {

    private MailFixtures() {
    }

    static String message(String subject) {
        return "From: bob@remote.example\r\n"
                + "To: alice@example.org\r\n"
                + "Subject: " + subject + "\r\n"
                + "X-Long: first part\r\n"
                + "\tfolded part\r\n"
                + "\r\n"
                + "Body line\r\n"
                + "Subject: not a header\r\n";
    }

    static Envelope envelope(String name, Optional<String> sender, List<String> recipients, String state,
                             Optional<String> error, Optional<String> authUser) {
        return new Envelope(name, sender, recipients, state, error, Map.of(),
                new SessionFacts("203.0.113.5", "mx.remote.example", "client.remote.example", authUser, false, "smtp"),
                DsnRequest.none());
    }

    static String store(MailRepository repository, Envelope envelope, String message) {
        return repository.store(envelope, new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
    }

    static String spool(Spool.Writer writer, String message) throws Exception {
        try (writer) {
            writer.content().write(message.getBytes(StandardCharsets.US_ASCII));
            writer.content().close();
            return writer.commit();
        }
    }

    /** A pipeline of these processors, each storing all it gets: root in held, error in error, X in X-out. */
    static Path pipeline(Path file, String... processors) throws Exception {
        StringBuilder xml = new StringBuilder("<mailetcontainer>\n  <processors>\n");
        for (String state : processors) {
            String repository = state.equals("root") ? "held" : state.equals("error") ? "error" : state + "-out";
            xml.append("    <processor state=\"").append(state).append("\">\n")
                    .append("      <mailet match=\"All\" class=\"ToRepository\"><repository>").append(repository)
                    .append("</repository></mailet>\n")
                    .append("    </processor>\n");
        }
        xml.append("  </processors>\n</mailetcontainer>\n");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, xml);
    }
}
