package org.postline.app.admin;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.mailet.Mail;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;

/**
 * The {@code repo} admin commands: list the mail repositories, show, delete and reprocess their mails.
 * <pre>
 * repo list
 * repo show NAME [ID]
 * repo delete NAME ID|--all
 * repo reprocess NAME ID|--all [--processor STATE]
 * </pre>
 * Mutating commands run one at a time, so two admins cannot move the same mail into the spool twice.
 */
final class RepositoryAdmin {

    static final String ALL = "--all";
    static final String PROCESSOR = "--processor";
    /** A header block larger than this is cut: the admin channel is no place for a whole mail. */
    static final int MAX_HEADER_BYTES = 256 * 1024;

    private final MailRepositories repositories;
    private final Spool spool;
    private final KnownProcessors processors;

    RepositoryAdmin(MailRepositories repositories, Spool spool, KnownProcessors processors) {
        this.repositories = repositories;
        this.spool = spool;
        this.processors = processors;
    }

    /** @param w the whole request, starting with "repo" */
    List<String> execute(List<String> w) {
        String verb = w.size() >= 2 ? w.get(1) : "";
        return switch (verb) {
            case "list" -> list(w);
            case "show" -> show(w);
            case "delete" -> delete(w);
            case "reprocess" -> reprocess(w);
            default -> throw new RefusedRequest("unknown admin command: " + String.join(" ", w.subList(0, Math.min(2, w.size()))));
        };
    }

    /** "NAME COUNT" per repository, sorted by name. */
    private List<String> list(List<String> w) {
        if (w.size() != 2) {
            throw new RefusedRequest("usage: repo list");
        }
        List<String> lines = new ArrayList<>();
        for (String name : repositories.names()) {
            lines.add(name + " " + repositories.get(name).list().size());
        }
        return lines;
    }

    private List<String> show(List<String> w) {
        if (w.size() == 3) {
            List<String> lines = new ArrayList<>();
            for (SpooledMail mail : existing(w.get(2)).list()) {
                Envelope e = mail.envelope();
                lines.add(mail.id() + " " + MailLines.time(mail.stored()) + " " + MailLines.sender(e) + " "
                        + MailLines.recipients(e) + " " + MailLines.firstLine(e.errorMessage()));
            }
            return lines;
        }
        if (w.size() == 4) {
            MailRepository repository = existing(w.get(2));
            return details(repository, find(repository, w.get(3)));
        }
        throw new RefusedRequest("usage: repo show NAME [ID]");
    }

    private List<String> details(MailRepository repository, SpooledMail mail) {
        Envelope e = mail.envelope();
        SessionFacts session = e.session();
        List<String> lines = new ArrayList<>();
        lines.add("Repository: " + repository.name());
        lines.add("Id: " + mail.id());
        lines.add("Stored: " + MailLines.time(mail.stored()));
        lines.add("Size: " + mail.size() + " bytes");
        lines.add("Name: " + e.name());
        lines.add("Sender: " + MailLines.sender(e));
        lines.add("Recipients: " + (e.recipients().isEmpty() ? MailLines.NONE : String.join(", ", e.recipients())));
        lines.add("State: " + e.state());
        List<String> error = MailLines.lines(e.errorMessage());
        lines.add("Error: " + (error.isEmpty() ? MailLines.NONE : error.get(0)));
        error.stream().skip(1).map(l -> "  " + l).forEach(lines::add);
        lines.add("Remote address: " + session.remoteAddress()
                + (session.remoteHost().isEmpty() || session.remoteHost().equals(session.remoteAddress())
                        ? "" : " (" + session.remoteHost() + ")"));
        lines.add("Auth user: " + session.authUser().orElse(MailLines.NONE));
        lines.add("");
        lines.addAll(headers(repository, mail.id()));
        return lines;
    }

    /** The message's header lines as stored (folded lines keep their indentation), up to the blank line. */
    private static List<String> headers(MailRepository repository, String id) {
        List<String> lines = new ArrayList<>();
        long total = 0;
        try (InputStream in = new BufferedInputStream(repository.open(id))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (++total > MAX_HEADER_BYTES) {
                    lines.add("(headers cut after " + MAX_HEADER_BYTES + " bytes)");
                    return lines;
                }
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            }
            if (line.size() > 0) {
                lines.add(line.toString(StandardCharsets.UTF_8));
            }
            return lines;
        } catch (IOException e) {
            throw new StoreException("could not read mail " + id + " in repository " + repository.name() + ": "
                    + e.getMessage(), e);
        }
    }

    private synchronized List<String> delete(List<String> w) {
        if (w.size() != 4) {
            throw new RefusedRequest("usage: repo delete NAME ID|--all");
        }
        MailRepository repository = existing(w.get(2));
        if (!w.get(3).equals(ALL)) {
            SpooledMail mail = find(repository, w.get(3));
            if (!repository.remove(mail.id())) {
                throw noSuchMail(repository, mail.id());
            }
            return List.of("Deleted mail " + mail.id() + " from repository " + repository.name());
        }
        int deleted = 0;
        for (SpooledMail mail : repository.list()) {
            if (repository.remove(mail.id())) {
                deleted++;
            }
        }
        return List.of("Deleted " + MailLines.mails(deleted) + " from repository " + repository.name());
    }

    private synchronized List<String> reprocess(List<String> w) {
        boolean explicit = w.size() == 6 && w.get(4).equals(PROCESSOR) && !w.get(5).isBlank();
        if (w.size() != 4 && !explicit) {
            throw new RefusedRequest("usage: repo reprocess NAME ID|--all [--processor STATE]");
        }
        MailRepository repository = existing(w.get(2));
        boolean all = w.get(3).equals(ALL);
        List<SpooledMail> chosen = all ? repository.list() : List.of(find(repository, w.get(3)));
        Optional<String> processor = explicit ? Optional.of(w.get(5)) : Optional.empty();
        if (processor.filter(Mail.GHOST::equals).isPresent()) {
            // The pipeline drops a mail in state ghost at once: that would be a delete, so say so.
            throw new RefusedRequest("ghost is no processor: mail in that state is dropped (use repo delete)");
        }
        if (processor.isPresent() && !processors.admits(processor.get())) {
            throw new RefusedRequest(processors.refusal(processor.get()));
        }
        // Every target is checked before any mail moves: a refused --all leaves the repository as it was.
        for (SpooledMail mail : chosen) {
            String state = processor.orElseGet(() -> previousState(mail.envelope()));
            if (!processors.admits(state)) {
                throw new RefusedRequest("mail " + mail.id() + " was in state '" + state + "', but there is "
                        + processors.refusal(state) + "; choose one with --processor");
            }
        }
        List<String> lines = new ArrayList<>();
        for (SpooledMail mail : chosen) {
            String state = processor.orElseGet(() -> previousState(mail.envelope()));
            String spoolId;
            try {
                spoolId = copyToSpool(repository, mail, state);
            } catch (StoreException e) {
                throw new RefusedRequest("the store failed reprocessing mail " + mail.id() + ", which stays in repository "
                        + repository.name() + ": " + e.getMessage() + done(lines), lines);
            }
            try {
                repository.remove(mail.id());
            } catch (StoreException e) {
                throw new RefusedRequest("mail " + mail.id() + " is in the spool as " + spoolId + " but could not be "
                        + "removed from repository " + repository.name() + " (delete it there by hand): "
                        + e.getMessage() + done(lines), lines);
            }
            lines.add("Reprocessed mail " + mail.id() + " from repository " + repository.name()
                    + " into processor " + state + " as spool mail " + spoolId);
        }
        if (all) {
            lines.add("Reprocessed " + MailLines.mails(lines.size()) + " from repository " + repository.name());
        }
        return lines;
    }

    /** The processor the mail was in when it was stored; "root" when that is none (ghost or blank). */
    static String previousState(Envelope envelope) {
        String state = envelope.state();
        return state == null || state.isBlank() || state.equals(Mail.GHOST) ? Mail.DEFAULT : state;
    }

    /**
     * Copies the mail into the spool in {@code state}; the caller removes it from the repository afterwards. This
     * order is deliberate: the spool commit is durable before the repository copy goes, so a crash (or a failing
     * remove) between the two leaves the mail in both places, to be processed once more or deleted by hand, but
     * never lost. The other order would lose it on such a crash; no transaction spans spool and repository.
     *
     * @return the spool id
     */
    private String copyToSpool(MailRepository repository, SpooledMail mail, String state) {
        try (InputStream content = repository.open(mail.id());
             Spool.Writer writer = spool.begin(mail.envelope().withState(state))) {
            try (OutputStream out = writer.content()) {
                content.transferTo(out);
            }
            return writer.commit();
        } catch (IOException e) {
            throw new StoreException("could not copy mail " + mail.id() + " into the spool: " + e.getMessage(), e);
        }
    }

    private static String done(List<String> lines) {
        if (lines.isEmpty()) {
            return "";
        }
        return lines.size() == 1 ? " (the mail listed above was reprocessed)"
                : " (the " + lines.size() + " mails listed above were reprocessed)";
    }

    /** A repository that exists; asking {@link MailRepositories#get} for a mistyped name would create it. */
    private MailRepository existing(String name) {
        List<String> names = repositories.names();
        if (!names.contains(name)) {
            throw new RefusedRequest("no mail repository '" + name + "'"
                    + (names.isEmpty() ? " (there are none yet)" : " (repositories: " + String.join(", ", names) + ")"));
        }
        return repositories.get(name);
    }

    private static SpooledMail find(MailRepository repository, String id) {
        return repository.get(id).orElseThrow(() -> noSuchMail(repository, id));
    }

    private static RefusedRequest noSuchMail(MailRepository repository, String id) {
        return new RefusedRequest("no mail " + id + " in repository " + repository.name());
    }
}
