package org.postline.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postline.api.StoreException;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;

/**
 * Reprocessing when the store fails half-way: a mail is never lost. A failed spool commit leaves it in the
 * repository; a failed removal after the commit leaves it in both, and says so.
 */
class RepositoryAdminTest {

    private final FakeRepository error = new FakeRepository("error");
    private final FakeSpool spool = new FakeSpool();
    private final RepositoryAdmin admin = new RepositoryAdmin(new FakeRepositories(error), spool,
            KnownProcessors.of(Set.of("root", "transport", "error"), "the running pipeline"));

    @Test
    void aFailedSpoolCommitLeavesTheMailInTheRepository() {
        error.put("A", "one");
        error.put("B", "two");
        spool.failAfter = 1;

        assertThatThrownBy(() -> admin.execute(List.of("repo", "reprocess", "error", "--all", "--processor", "transport")))
                .isInstanceOfSatisfying(RefusedRequest.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("the store failed reprocessing mail B, which stays in repository"
                            + " error: disk full (the mail listed above was reprocessed)");
                    assertThat(e.doneBefore()).singleElement().asString()
                            .isEqualTo("Reprocessed mail A from repository error into processor transport as spool mail S1");
                });
        assertThat(error.mails.keySet()).containsExactly("B");
        assertThat(spool.committed).containsOnlyKeys("S1");
        assertThat(spool.committed.get("S1").state()).isEqualTo("transport");
    }

    @Test
    void aFailedRemovalAfterTheCommitLeavesTheMailInBothPlaces() {
        error.put("A", "one");
        error.failRemove = true;

        assertThatThrownBy(() -> admin.execute(List.of("repo", "reprocess", "error", "A", "--processor", "root")))
                .isInstanceOf(RefusedRequest.class)
                .hasMessage("mail A is in the spool as S1 but could not be removed from repository error (delete it"
                        + " there by hand): database gone");
        assertThat(error.mails).containsKey("A");
        assertThat(spool.contents.get("S1")).isEqualTo("one");
    }

    @Test
    void aRefusedTargetMovesNothing() {
        error.put("A", "one");
        assertThatThrownBy(() -> admin.execute(List.of("repo", "reprocess", "error", "--all", "--processor", "relay")))
                .hasMessage("no processor 'relay' in the running pipeline (processors: error, root, transport)");
        assertThatThrownBy(() -> new RepositoryAdmin(new FakeRepositories(error), spool, KnownProcessors.unknown())
                .execute(List.of("repo", "reprocess", "error", "A", "--processor", "ghost")))
                .hasMessage("ghost is no processor: mail in that state is dropped (use repo delete)");
        assertThat(error.mails).containsKey("A");
        assertThat(spool.committed).isEmpty();
    }

    private static Envelope envelope(String name) {
        return new Envelope(name, Optional.empty(), List.of("alice@example.org"), "error", Optional.of("boom"), Map.of(),
                SessionFacts.internal(), DsnRequest.none());
    }

    private record FakeRepositories(MailRepository only) implements MailRepositories {
        @Override
        public MailRepository get(String name) {
            return only;
        }

        @Override
        public List<String> names() {
            return List.of(only.name());
        }
    }

    private static final class FakeRepository implements MailRepository {
        final String name;
        final Map<String, String> mails = new LinkedHashMap<>();
        boolean failRemove;

        FakeRepository(String name) {
            this.name = name;
        }

        void put(String id, String content) {
            mails.put(id, content);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String store(Envelope envelope, InputStream content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<SpooledMail> list() {
            List<SpooledMail> all = new ArrayList<>();
            mails.forEach((id, content) -> all.add(mail(id, content)));
            return all;
        }

        @Override
        public Optional<SpooledMail> get(String id) {
            return Optional.ofNullable(mails.get(id)).map(content -> mail(id, content));
        }

        @Override
        public InputStream open(String id) {
            return new ByteArrayInputStream(mails.get(id).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean remove(String id) {
            if (failRemove) {
                throw new StoreException("database gone", null);
            }
            return mails.remove(id) != null;
        }

        private static SpooledMail mail(String id, String content) {
            return new SpooledMail(id, envelope("name-" + id), content.length(), Instant.EPOCH, 0, "");
        }
    }

    /** Commits until {@link #failAfter} commits have succeeded, then fails like a full disk. */
    private static final class FakeSpool implements Spool {
        final Map<String, Envelope> committed = new LinkedHashMap<>();
        final Map<String, String> contents = new LinkedHashMap<>();
        int failAfter = Integer.MAX_VALUE;

        @Override
        public Writer begin(Envelope envelope) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            return new Writer() {
                @Override
                public OutputStream content() {
                    return bytes;
                }

                @Override
                public String commit() {
                    if (committed.size() >= failAfter) {
                        throw new StoreException("disk full", new IOException("disk full"));
                    }
                    String id = "S" + (committed.size() + 1);
                    committed.put(id, envelope);
                    contents.put(id, bytes.toString(StandardCharsets.UTF_8));
                    return id;
                }

                @Override
                public void abort() {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public List<SpooledMail> claim(int max) {
            return List.of();
        }

        @Override
        public InputStream open(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete(String id) {
        }

        @Override
        public void release(String id, String reason, long delayMillis) {
        }

        @Override
        public long size() {
            return committed.size();
        }

        @Override
        public void onCommit(Runnable listener) {
        }
    }
}
