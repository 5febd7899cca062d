package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link MailFlowTest} with the server's state, mail bodies included, in PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresMailFlowTest extends MailFlowTest {

    private final PostgresCluster cluster;

    PostgresMailFlowTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    String storage() {
        return PostgresStorage.element(cluster);
    }

    /** Runs before the server stops: the mail went through the spool into mailboxes without a body file. */
    @AfterEach
    void noBodyWasAFile() throws IOException {
        Path blobs = home.resolve("var/blobs");
        try (Stream<Path> files = Files.walk(blobs)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
