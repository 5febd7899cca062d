package org.postline.app.config;

import java.util.Map;
import org.postline.api.config.ServerConfig;
import org.postline.protocols.imap.ImapLimits;
import org.postline.protocols.smtp.DnsblSettings;

/**
 * A validated configuration and the line of each listener in its file, so that a failure found later
 * (a port already in use) can still point at the setting to change.
 *
 * @param listenerLines line of each listener's element, by listener name; absent for built-in defaults
 * @param imapLimits    the IMAP-only limits of each IMAP listener that sets any, by listener name
 * @param dnsbl         the DNS blocklists of each SMTP listener that has any, by listener name
 */
public record LoadedConfig(ServerConfig config, Map<String, Integer> listenerLines, Map<String, ImapLimits> imapLimits,
                           Map<String, DnsblSettings> dnsbl) {

    public LoadedConfig {
        listenerLines = Map.copyOf(listenerLines);
        imapLimits = Map.copyOf(imapLimits);
        dnsbl = Map.copyOf(dnsbl);
    }

    public LoadedConfig(ServerConfig config, Map<String, Integer> listenerLines, Map<String, ImapLimits> imapLimits) {
        this(config, listenerLines, imapLimits, Map.of());
    }

    /** The DNS blocklists of that SMTP listener; no zones when it has none. */
    public DnsblSettings dnsblOf(String listenerName) {
        return dnsbl.getOrDefault(listenerName, DnsblSettings.none());
    }

    /** The IMAP-only limits of that listener: as configured, else the defaults. */
    public ImapLimits imapLimitsOf(String listenerName) {
        return imapLimits.getOrDefault(listenerName, ImapLimits.defaults());
    }

    /** The line of that listener's element, or 0 when it was not written in the file. */
    public int lineOf(String listenerName) {
        return listenerLines.getOrDefault(listenerName, 0);
    }
}
