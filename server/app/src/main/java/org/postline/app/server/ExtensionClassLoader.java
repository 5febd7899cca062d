package org.postline.app.server;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The class loader for drop-in mailet and matcher jars in {@code <home>/extensions/}. */
public final class ExtensionClassLoader {

    private ExtensionClassLoader() {
    }

    /** A loader over every *.jar in {@code directory} (sorted by name), delegating to {@code parent} first. */
    public static URLClassLoader over(Path directory, ClassLoader parent) throws IOException {
        List<URL> jars = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(toUrl(jar));
                }
            }
        }
        return new URLClassLoader("postline-extensions", jars.toArray(URL[]::new), parent);
    }

    private static URL toUrl(Path jar) throws IOException {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IOException("cannot load extension " + jar, e);
        }
    }
}
