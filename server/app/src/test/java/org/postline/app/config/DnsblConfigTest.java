package org.postline.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;
import org.postline.protocols.smtp.DnsblSettings;
import org.postline.protocols.smtp.DnsblSettings.Action;
import org.postline.protocols.smtp.DnsblSettings.Zone;

/** {@code <dnsbl>} of an SMTP listener: read with its defaults, and each mistake named with file and line. */
class DnsblConfigTest {

    @TempDir
    Path home;

    private LoadedConfig load(String listeners) throws Exception {
        Path file = Files.writeString(home.resolve("postline.xml"), "<postline>\n<listeners>\n" + listeners
                + "\n</listeners>\n</postline>\n");
        return new ConfigLoader(home, Map.of(), "mail.test").load(file);
    }

    private ConfigException failure(String listeners) {
        return catchThrowableOfType(ConfigException.class, () -> load(listeners));
    }

    @Test
    void zonesActionsAndTimeoutPerListener() throws Exception {
        LoadedConfig loaded = load("""
                <smtp name="mx" port="2525">
                  <dnsbl timeout="750ms"><zone action="reject">zen.example.org</zone><zone action="tag">Bl.Example.NET</zone></dnsbl>
                </smtp>
                <smtp name="other" port="2526"><dnsbl><zone>only.example.org</zone></dnsbl></smtp>
                <smtp name="submission" port="2587" auth="required"/>""");
        assertThat(loaded.dnsblOf("mx")).isEqualTo(new DnsblSettings(java.util.List.of(
                new Zone("zen.example.org", Action.REJECT), new Zone("bl.example.net", Action.TAG)), Duration.ofMillis(750)));
        assertThat(loaded.dnsblOf("other")).isEqualTo(new DnsblSettings(java.util.List.of(
                new Zone("only.example.org", Action.REJECT)), DnsblSettings.DEFAULT_TIMEOUT));
        assertThat(loaded.dnsblOf("submission").enabled()).isFalse();
    }

    @Test
    void mistakesNameTheLineAndTheSetting() throws IOException {
        ConfigException onPop3 = failure("<pop3 port='2110'>\n<dnsbl><zone>zen.example.org</zone></dnsbl>\n</pop3>");
        assertThat(onPop3.line()).isEqualTo(4);
        assertThat(onPop3.getMessage()).contains("only SMTP listeners consult DNS blocklists");

        ConfigException action = failure("<smtp port='2525'>\n<dnsbl><zone action='drop'>zen.example.org</zone></dnsbl>\n</smtp>");
        assertThat(action.line()).isEqualTo(4);
        assertThat(action.setting()).contains("action");

        ConfigException zone = failure("<smtp port='2525'>\n<dnsbl><zone>not a zone</zone></dnsbl>\n</smtp>");
        assertThat(zone.line()).isEqualTo(4);
        assertThat(zone.getMessage()).contains("zen.example.org");

        ConfigException twice = failure("<smtp port='2525'>\n<dnsbl><zone>a.example</zone>\n<zone action='tag'>a.example</zone></dnsbl>\n</smtp>");
        assertThat(twice.line()).isEqualTo(5);
        assertThat(twice.getMessage()).contains("listed twice");

        ConfigException timeout = failure("<smtp port='2525'>\n<dnsbl timeout='0s'><zone>a.example</zone></dnsbl>\n</smtp>");
        assertThat(timeout.setting()).endsWith("timeout");

    }

    @Test
    void topLevelBlocklistsServeSmtpListenersWithoutAuthAndWithoutTheirOwn() throws Exception {
        Path file = Files.writeString(home.resolve("postline.xml"), """
                <postline>
                  <listeners>
                    <smtp name="mx" port="2525"/>
                    <smtp name="own" port="2526"><dnsbl><zone action="tag">own.example.org</zone></dnsbl></smtp>
                    <smtp name="off" port="2527"><dnsbl/></smtp>
                    <smtp name="submission" port="2587" auth="required"/>
                    <pop3 name="pop" port="2110"/>
                  </listeners>
                  <dnsbl timeout="1s"><zone>zen.example.org</zone></dnsbl>
                </postline>
                """);
        LoadedConfig loaded = new ConfigLoader(home, Map.of(), "mail.test").load(file);
        DnsblSettings shared = new DnsblSettings(java.util.List.of(new Zone("zen.example.org", Action.REJECT)),
                Duration.ofSeconds(1));
        assertThat(loaded.dnsblOf("mx")).isEqualTo(shared);
        assertThat(loaded.dnsblOf("own").zones()).containsExactly(new Zone("own.example.org", Action.TAG));
        assertThat(loaded.dnsblOf("off").enabled()).isFalse();
        assertThat(loaded.dnsblOf("submission").enabled()).isFalse();
        assertThat(loaded.dnsblOf("pop").enabled()).isFalse();
    }
}
