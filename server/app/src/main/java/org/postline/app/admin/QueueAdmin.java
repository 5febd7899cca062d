package org.postline.app.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postline.app.admin.QueueBrowser.QueuedMail;

/**
 * {@code queue list [QUEUE]}: what waits in the spool and the outgoing queues, read-only. One line per mail:
 * {@code QUEUE ID STORED FAILED-ATTEMPTS NEXT-ATTEMPT SENDER RECIPIENTS LAST-FAILURE}, NEXT-ATTEMPT being
 * "now" when the mail is ready.
 */
final class QueueAdmin {

    private static final String NAME = "[A-Za-z0-9._-]{1,64}";

    private final QueueBrowser browser;
    private final Clock clock;

    QueueAdmin(QueueBrowser browser, Clock clock) {
        this.browser = browser;
        this.clock = clock;
    }

    /** @param w the whole request, starting with "queue" */
    List<String> execute(List<String> w) {
        if (w.size() < 2 || !w.get(1).equals("list")) {
            throw new RefusedRequest("unknown admin command: " + String.join(" ", w.subList(0, Math.min(2, w.size()))));
        }
        if (w.size() > 3) {
            throw new RefusedRequest("usage: queue list [QUEUE]");
        }
        Optional<String> queue = w.size() == 3 ? Optional.of(w.get(2)) : Optional.empty();
        if (queue.isPresent() && !queue.get().matches(NAME)) {
            throw new RefusedRequest("\"" + queue.get() + "\" is not a queue name (spool, outgoing, or another"
                    + " RemoteDelivery outgoingQueue)");
        }
        List<String> lines = new ArrayList<>();
        for (QueuedMail mail : browser.list(queue)) {
            lines.add(line(mail));
        }
        return lines;
    }

    private String line(QueuedMail mail) {
        String next = mail.notBefore().isAfter(clock.instant()) ? MailLines.time(mail.notBefore()) : "now";
        String who = mail.envelope()
                .map(e -> MailLines.sender(e) + " " + MailLines.recipients(e))
                .orElse("? (unreadable-envelope)");
        return mail.queue() + " " + mail.id() + " " + MailLines.time(mail.stored()) + " " + mail.failedAttempts() + " "
                + next + " " + who + " " + MailLines.firstLine(Optional.of(mail.lastFailure()));
    }
}
