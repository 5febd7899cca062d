package org.postline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run happened on: cores and CPU model, so figures are never quoted without it. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String model = "unknown CPU";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse(model);
        } catch (IOException | RuntimeException e) {
            // not Linux: the core count alone
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + model + ", Java "
                + System.getProperty("java.version");
    }
}
