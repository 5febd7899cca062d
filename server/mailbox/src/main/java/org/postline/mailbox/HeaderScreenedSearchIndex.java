package org.postline.mailbox;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.MessageSearches;
import org.apache.james.mailbox.store.search.comparator.CombinedComparator;
import org.postline.mailbox.jdbc.JdbcMailboxSessionMapperFactory;

import com.google.common.collect.Iterators;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James's simple search, except that a search of one mailbox with header texts to find (SUBJECT, HEADER)
 * first screens the messages on their raw header bytes in the database ({@link HeaderNeedles}), and for
 * Subject texts on the subject index before that, so only the few that may match are built and evaluated by
 * James's matcher. Results are the same as without screening.
 */
final class HeaderScreenedSearchIndex implements MessageSearchIndex {

    private final MessageSearchIndex simple;
    private final JdbcMailboxSessionMapperFactory store;
    private final TextExtractor textExtractor;
    private final AttachmentContentLoader attachments;

    HeaderScreenedSearchIndex(MessageSearchIndex simple, JdbcMailboxSessionMapperFactory store,
                              TextExtractor textExtractor, AttachmentContentLoader attachments) {
        this.simple = simple;
        this.store = store;
        this.textExtractor = textExtractor;
        this.attachments = attachments;
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery query) throws MailboxException {
        Optional<HeaderNeedles> needles = HeaderNeedles.of(query);
        if (needles.isEmpty()) {
            return simple.search(session, mailbox, query);
        }
        return Mono.fromCallable(() -> store.messagesByHeader(mailbox, needles.get().subjectNeedles(), needles.get()::mayMatch).stream()
                .map(SearchableMessages::withFinalLineBreak)
                .sorted(CombinedComparator.create(query.getSorts()))
                .toList())
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapMany(candidates -> Flux.fromIterable(() -> Iterators.transform(
                new MessageSearches(candidates.iterator(), query, textExtractor, attachments, session).iterator(),
                SearchResult::getMessageUid)));
    }

    @Override
    public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery query,
                                  long limit) throws MailboxException {
        return simple.search(session, mailboxIds, query, limit);
    }

    @Override
    public EnumSet<MailboxManager.SearchCapabilities> getSupportedCapabilities(
            EnumSet<MailboxManager.MessageCapabilities> messageCapabilities) {
        return simple.getSupportedCapabilities(messageCapabilities);
    }
}
