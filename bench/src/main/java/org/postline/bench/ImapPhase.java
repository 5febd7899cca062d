package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * IMAP on a large INBOX: the time of LOGIN, SELECT, FETCH of metadata and envelopes of every message, FETCH
 * of whole bodies, a SEARCH by subject and a STORE of flags. Each is repeated; the median is reported. The
 * first rounds may be warm-up rounds, run the same way but not counted, so that a server whose code is still
 * being compiled or whose caches are cold is measured as it serves once running.
 */
public final class ImapPhase {

    public record Settings(int messages, int bodies, int repeats, int warmups) {
        public Settings {
            if (repeats < 1 || warmups < 0) {
                throw new IllegalArgumentException("IMAP repeats must be at least 1 and warm-up rounds not negative");
            }
        }
    }

    private interface Step {
        void run(ImapClient imap, int repeat) throws IOException;
    }

    private final Target target;
    private final Messages messages;
    private final Settings settings;
    private final PrintStream log;

    public ImapPhase(Target target, Messages messages, Settings settings, PrintStream log) {
        this.target = target;
        this.messages = messages;
        this.settings = settings;
        this.log = log;
    }

    public void run(Report report) throws IOException {
        log.printf("IMAP: filling INBOX to %d messages%n", settings.messages());
        long fillStart = System.nanoTime();
        int before = new Mailboxes(target, log).count(Target.IMAP);
        new Mailboxes(target, log).fill(Target.IMAP, settings.messages(), messages, 4);
        int appended = settings.messages() - before;
        if (appended > 0) {
            report.add(Result.rate("imap.append", "IMAP APPEND (4 connections, filling)",
                    appended / ((System.nanoTime() - fillStart) / 1e9), "msg/s", appended + " messages"));
        }
        int bodies = Math.min(settings.bodies(), settings.messages());
        String n = String.format(Locale.ROOT, "%,d", settings.messages());
        long[][] times = new long[7][settings.repeats()];
        String[] keys = {"login", "select", "fetch.meta", "fetch.envelope", "fetch.body", "search", "store"};
        String[] labels = {"IMAP LOGIN", "IMAP SELECT INBOX (" + n + ")", "IMAP FETCH 1:* (UID FLAGS RFC822.SIZE)",
                "IMAP FETCH 1:* ENVELOPE", "IMAP FETCH BODY[] of " + bodies, "IMAP UID SEARCH SUBJECT",
                "IMAP STORE FLAGS on " + bodies};
        log.printf("IMAP: %d warm-up and %d counted rounds of LOGIN, SELECT, FETCH, SEARCH, STORE%n",
                settings.warmups(), settings.repeats());
        for (int round = 0; round < settings.warmups() + settings.repeats(); round++) {
            int r = round - settings.warmups();
            try (ImapClient imap = ImapClient.open(target.host(), target.imapPort(), target.timeoutMillis())) {
                Step[] steps = {
                    (c, i) -> c.login(target.login(Target.IMAP), target.password()),
                    (c, i) -> expect(c.select(Target.INBOX) >= settings.messages(), "SELECT: fewer messages"),
                    (c, i) -> fetched(c, "FETCH 1:* (UID FLAGS RFC822.SIZE)", settings.messages()),
                    (c, i) -> fetched(c, "FETCH 1:* ENVELOPE", settings.messages()),
                    (c, i) -> fetched(c, "FETCH 1:" + bodies + " BODY[]", bodies),
                    (c, i) -> search(c),
                    // Alternately set and clear, so every round changes every flag it touches.
                    (c, i) -> ImapClient.ok(c.command("STORE 1:" + bodies + (i % 2 == 0 ? " +" : " -")
                            + "FLAGS (\\Flagged)", line -> { }), "STORE"),
                };
                for (int s = 0; s < steps.length; s++) {
                    long start = System.nanoTime();
                    steps[s].run(imap, round);
                    if (r >= 0) {
                        times[s][r] = System.nanoTime() - start;
                    }
                }
                imap.logout();
            }
        }
        for (int s = 0; s < keys.length; s++) {
            long[] sorted = times[s].clone();
            Arrays.sort(sorted);
            report.add(Result.time("imap." + keys[s], labels[s], sorted[sorted.length / 2] / 1e6, "ms",
                    "median of " + sorted.length + (settings.warmups() > 0 ? " after " + settings.warmups()
                            + " warm-up" : "")));
        }
    }

    private static void fetched(ImapClient imap, String command, int expected) throws IOException {
        int[] count = {0};
        ImapClient.ok(imap.command(command, ImapClient.counting(line -> line.contains(" FETCH "), count)), command);
        expect(count[0] >= expected, command + ": " + count[0] + " FETCH responses, expected " + expected);
    }

    private static void search(ImapClient imap) throws IOException {
        int[] hits = {0};
        ImapClient.ok(imap.command("UID SEARCH SUBJECT \"needle\"", line -> {
            if (line.startsWith("* SEARCH")) {
                hits[0] += line.trim().split(" ").length - 2;
            }
        }), "SEARCH");
        expect(hits[0] >= 1, "SEARCH found no needle");
    }

    private static void expect(boolean condition, String failure) throws IOException {
        if (!condition) {
            throw new IOException(failure);
        }
    }
}
