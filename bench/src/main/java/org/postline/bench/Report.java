package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run: printed as a table, written as JSON, read back to compare two runs. */
public final class Report {

    private final Map<String, String> about = new LinkedHashMap<>();
    private final List<Result> results = new ArrayList<>();

    public void about(String key, String value) {
        about.put(key, value);
    }

    public synchronized void add(Result result) {
        results.add(result);
    }

    public synchronized List<Result> results() {
        return List.copyOf(results);
    }

    public Map<String, String> about() {
        return Map.copyOf(about);
    }

    public void printTable(PrintStream out) {
        about.forEach((key, value) -> out.printf("# %s: %s%n", key, value));
        out.printf("%-64s %12s  %-6s %s%n", "benchmark", "value", "unit", "note");
        for (Result result : results()) {
            out.printf(Locale.ROOT, "%-64s %12.2f  %-6s %s%n", result.label(), result.value(), result.unit(),
                    result.note());
        }
    }

    public void writeJson(Path file) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"about\": {");
        String separator = "\n";
        for (Map.Entry<String, String> entry : about.entrySet()) {
            json.append(separator).append("    ").append(Json.string(entry.getKey())).append(": ")
                    .append(Json.string(entry.getValue()));
            separator = ",\n";
        }
        json.append("\n  },\n  \"results\": [");
        separator = "\n";
        for (Result r : results()) {
            json.append(separator).append(String.format(Locale.ROOT,
                    "    {\"key\": %s, \"label\": %s, \"value\": %.4f, \"unit\": %s, \"higherIsBetter\": %b, \"note\": %s}",
                    Json.string(r.key()), Json.string(r.label()), r.value(), Json.string(r.unit()),
                    r.higherIsBetter(), Json.string(r.note())));
            separator = ",\n";
        }
        json.append("\n  ]\n}\n");
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    /** Reads a report written by {@link #writeJson}. */
    public static Report readJson(Path file) throws IOException {
        Object parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        Report report = new Report();
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IOException(file + ": not a bench report");
        }
        if (root.get("about") instanceof Map<?, ?> aboutMap) {
            aboutMap.forEach((k, v) -> report.about(String.valueOf(k), String.valueOf(v)));
        }
        if (root.get("results") instanceof List<?> list) {
            for (Object item : list) {
                Map<?, ?> r = (Map<?, ?>) item;
                report.add(new Result(String.valueOf(r.get("key")), String.valueOf(r.get("label")),
                        ((Number) r.get("value")).doubleValue(), String.valueOf(r.get("unit")),
                        Boolean.TRUE.equals(r.get("higherIsBetter")), String.valueOf(r.get("note"))));
            }
        }
        return report;
    }
}
