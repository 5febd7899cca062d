package org.postline.container.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/** What test mailets saw, in order; injected into them through Guice. */
public final class Recorder {

    private final List<String> events = new CopyOnWriteArrayList<>();

    public void record(String id, Mail mail) {
        events.add(id + ":" + mail.getState() + ":" + mail.getRecipients().stream().map(MailAddress::asString)
                .sorted().collect(Collectors.joining(",")));
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    public List<String> eventsOf(String id) {
        return events.stream().filter(e -> e.startsWith(id + ":")).toList();
    }
}
