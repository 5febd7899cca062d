package org.postline.app.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data sharing archive (AppCDS) that later starts map instead of loading and verifying the same
 * classes again. {@code bin/postline} asks for one (system property {@value #PROPERTY}, with the JVM option
 * {@code -XX:+RecordDynamicDumpInfo}) when none matches its jars, JDK and options; the server writes it once it
 * is ready, so only a start that succeeded leaves an archive, and it holds exactly the classes a start needs.
 */
public final class ClassDataArchive {

    /** Where the launcher wants the archive written. */
    public static final String PROPERTY = "postline.cds.archive";

    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);

    private final Path target;

    ClassDataArchive(Path target) {
        this.target = target.toAbsolutePath();
    }

    /** The archive the launcher asked for, if it asked. */
    public static Optional<ClassDataArchive> requested() {
        return Optional.ofNullable(System.getProperty(PROPERTY)).filter(value -> !value.isBlank())
                .map(value -> new ClassDataArchive(Path.of(value)));
    }

    /** Writes the archive on a background thread: the server is already serving. */
    public void writeInBackground() {
        Thread writer = new Thread(this::write, "postline-cds-archive");
        writer.setDaemon(true);
        writer.setPriority(Thread.MIN_PRIORITY);
        writer.start();
    }

    /**
     * Dumps the loaded classes to a temporary file, then renames it: a start that finds the archive finds a
     * whole one. A failure costs only the speed-up, so it is logged and otherwise ignored.
     */
    void write() {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(partial);
            // The JVM's own "VM.cds dynamic_dump" diagnostic command, reached in-process through its MBean.
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmCds",
                    new Object[] {new String[] {"dynamic_dump", partial.toString()}},
                    new String[] {String[].class.getName()});
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                LOG.info("No class-data archive written (the JVM did not dump one to {})", partial);
                return;
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("Class-data archive for faster starts written to {}", target);
        } catch (JMException | IOException | RuntimeException e) {
            LOG.info("No class-data archive written to {}: {}", target, e.toString());
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // Nothing else to do: the next start asks again.
            }
        }
    }

    Path target() {
        return target;
    }
}
