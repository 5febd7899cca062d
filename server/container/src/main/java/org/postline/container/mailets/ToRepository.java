package org.postline.container.mailets;

import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.MailRepository;
import org.postline.container.config.ContainerConfigReader;
import org.postline.container.mail.MailContent;

/**
 * Stores the mail in a named repository ({@code error}, {@code relay-denied}, ...), synced before the mailet
 * returns. Parameters: {@code repository} (a name) or {@code repositoryPath} (a name, or a James URL such as
 * {@code file://var/mail/error/}, whose last segment is the name); {@code passThrough} (default false: the
 * mail is done once stored).
 */
public class ToRepository extends GenericMailet {

    private final MailRepositories repositories;
    private MailRepository repository;
    private boolean passThrough;

    @Inject
    public ToRepository(MailRepositories repositories) {
        this.repositories = repositories;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("repository", "repositoryPath", "passThrough"));
        Optional<String> byName = getInitParameterAsOptional("repository");
        Optional<String> byPath = getInitParameterAsOptional("repositoryPath");
        if (byName.isPresent() && byPath.isPresent()) {
            throw new MailetException("give repository or repositoryPath, not both");
        }
        String name = byName.map(String::trim)
                .or(() -> byPath.map(ContainerConfigReader::repositoryName))
                .orElseThrow(() -> new MailetException("repository (a name) or repositoryPath is required"));
        if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
            throw new MailetException("\"" + name + "\" is not a repository name (letters, digits, '.', '_', '-')");
        }
        repository = repositories.get(name);
        passThrough = getInitParameter("passThrough", false);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String id = MailContent.store(repository, mail);
        getMailetContext().getLogger().info("mail {} stored in repository '{}' as {}", mail.getName(), repository.name(), id);
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "ToRepository: stores the mail in a named repository";
    }
}
