package org.postline.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Postline home with a small conf/postline.xml: domain example.org, no listeners. */
final class CliFixture {

    static final String CONFIG = """
            <postline>
              <hostname>mail.test</hostname>
              <domains default="example.org">
                <domain>example.org</domain>
              </domains>
              <listeners/>
            </postline>
            """;

    private CliFixture() {
    }

    static Path home(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/postline.xml"), CONFIG);
        return dir;
    }
}
