package org.postline.container.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SpooledMail;

/** In-memory mail repositories. */
public final class FakeRepositories implements MailRepositories {

    private final Map<String, Repo> repos = new ConcurrentHashMap<>();

    @Override
    public MailRepository get(String name) {
        return repos.computeIfAbsent(name, Repo::new);
    }

    public Repo repo(String name) {
        return (Repo) get(name);
    }

    @Override
    public List<String> names() {
        return List.copyOf(new TreeMap<>(repos).keySet());
    }

    public static final class Repo implements MailRepository {
        private final String name;
        private final Map<String, SpooledMail> mails = new TreeMap<>();
        private final Map<String, byte[]> contents = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private volatile boolean broken;

        Repo(String name) {
            this.name = name;
        }

        /** Makes every later store() fail, like a full disk. */
        public void breakIt() {
            broken = true;
        }

        public void repair() {
            broken = false;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized String store(Envelope envelope, InputStream content) {
            if (broken) {
                throw new org.postline.api.StoreException("repository " + name + " is broken", null);
            }
            String id = String.format("%s-%05d", name, ids.incrementAndGet());
            try {
                byte[] bytes = content.readAllBytes();
                contents.put(id, bytes);
                mails.put(id, new SpooledMail(id, envelope, bytes.length, Instant.now(), 0, ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return id;
        }

        @Override
        public synchronized List<SpooledMail> list() {
            return new ArrayList<>(mails.values());
        }

        @Override
        public synchronized Optional<SpooledMail> get(String id) {
            return Optional.ofNullable(mails.get(id));
        }

        @Override
        public InputStream open(String id) {
            return new ByteArrayInputStream(contents.get(id));
        }

        public byte[] bytes(String id) {
            return contents.get(id);
        }

        @Override
        public synchronized boolean remove(String id) {
            contents.remove(id);
            return mails.remove(id) != null;
        }

        public synchronized List<Envelope> envelopes() {
            return mails.values().stream().map(SpooledMail::envelope).toList();
        }
    }
}
