package org.postline.app.config;

import java.util.Map;
import org.postline.api.config.ServerConfig;

/**
 * A validated configuration and the line of each listener in its file, so that a failure found later
 * (a port already in use) can still point at the setting to change.
 *
 * @param listenerLines line of each listener's element, by listener name; absent for built-in defaults
 */
public record LoadedConfig(ServerConfig config, Map<String, Integer> listenerLines) {

    public LoadedConfig {
        listenerLines = Map.copyOf(listenerLines);
    }

    /** The line of that listener's element, or 0 when it was not written in the file. */
    public int lineOf(String listenerName) {
        return listenerLines.getOrDefault(listenerName, 0);
    }
}
