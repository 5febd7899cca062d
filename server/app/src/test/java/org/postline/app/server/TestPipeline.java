package org.postline.app.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A pipeline of two pairs that parks every received mail in the repository "received". */
final class TestPipeline {

    static final String REPOSITORY = "received";

    private TestPipeline() {
    }

    static Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        return Files.writeString(directory.resolve("test-pipeline.xml"), """
                <mailetcontainer>
                  <processors>
                    <processor state="root">
                      <mailet match="All" class="ToRepository"><repository>received</repository></mailet>
                    </processor>
                    <processor state="error">
                      <mailet match="All" class="ToRepository"><repository>error</repository></mailet>
                    </processor>
                  </processors>
                </mailetcontainer>
                """);
    }
}
