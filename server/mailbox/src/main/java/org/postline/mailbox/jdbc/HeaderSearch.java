package org.postline.mailbox.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Searches on raw message headers, screened by the subject index when the search names Subject needles. */
final class HeaderSearch {

    /** Beyond this many, reading every header in one scan is cheaper than fetching candidates by uid. */
    private static final int SUBJECT_CANDIDATE_LIMIT = 1000;
    private static final int FILL_CHUNK = 500;
    private static final Logger LOGGER = LoggerFactory.getLogger(HeaderSearch.class);

    private final MessageTable table;
    private final Database database;
    /** Mailboxes whose subject keys are being filled in the background. */
    private final Set<Long> filling = ConcurrentHashMap.newKeySet();

    HeaderSearch(MessageTable table) {
        this.table = table;
        this.database = table.database();
    }

    /**
     * The messages of the mailbox whose raw header passes {@code header}, with their headers loaded. With
     * subject needles (upper-cased printable ASCII), the subject index first
     * narrows the messages to those whose Subject may hold them all; if that leaves many, every header is read.
     */
    List<MailboxMessage> findByHeader(Mailbox mailbox, List<String> subjectNeedles, Predicate<byte[]> header)
            throws MailboxException {
        long id = idOf(mailbox);
        boolean[] unfilled = {false};
        List<MailboxMessage> found = new ArrayList<>(database.inTransaction(connection -> {
            if (!subjectNeedles.isEmpty()) {
                SubjectIndex.SubjectCandidates candidates = SubjectIndex.candidates(connection, id,
                    SubjectKey.patterns(subjectNeedles), SUBJECT_CANDIDATE_LIMIT);
                unfilled[0] = candidates.unfilled();
                if (candidates.uids().isPresent()) {
                    return table.selectByHeader(connection, id, candidates.uids().get(), header);
                }
            }
            return table.selectByHeader(connection, id, header);
        }));
        if (unfilled[0] && filling.add(id)) {
            Mono.fromRunnable(() -> fillSubjectKeys(id))
                .doFinally(signal -> filling.remove(id))
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe();
        }
        return found;
    }

    /**
     * Rows from before migration V5 get their subject key when a search meets them, so later searches are quick.
     * In the background: a large mailbox takes seconds, which this search should not wait for.
     */
    private void fillSubjectKeys(long id) {
        try {
            // Short transactions, so appends and flag changes wait little; bounded, whatever happens meanwhile.
            for (int chunk = 0; chunk < 10_000; chunk++) {
                if (database.inTransaction(connection -> SubjectIndex.fill(connection, id, FILL_CHUNK)) < FILL_CHUNK) {
                    break;
                }
            }
        } catch (MailboxException e) {
            LOGGER.warn("Could not fill the subject keys of mailbox {}; searches there stay slower", id, e);
        }
    }

    private static long idOf(Mailbox mailbox) {
        return JdbcMailboxId.of(mailbox.getMailboxId()).value();
    }
}
