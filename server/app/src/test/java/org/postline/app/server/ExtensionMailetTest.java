package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SpooledMail;
import org.postline.app.config.ConfigLoader;
import org.postline.app.config.LoadedConfig;

/**
 * The drop-in extension path end to end: the example project examples/custom-mailet is compiled and jarred
 * here (no Maven run), the jar dropped into extensions/, the pipeline names its mailet, and a message sent over
 * SMTP comes out tagged. Without the jar the server refuses to start, naming the class and where it looked.
 */
class ExtensionMailetTest {

    private static final Path EXAMPLE_SOURCES =
            Path.of("../../examples/custom-mailet/src/main/java").toAbsolutePath().normalize();
    private static final String MAILET = "com.example.postline.TagSubject";

    @TempDir
    Path home;
    @TempDir
    Path build;

    private PostlineServer server;
    private Path config;

    @BeforeEach
    void writeConfiguration() throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path pipeline = Files.writeString(conf.resolve("mailetcontainer.xml"), """
                <mailetcontainer>
                  <processors>
                    <processor state="root">
                      <mailet match="All" class="%s">
                        <tag>[tagged]</tag>
                      </mailet>
                      <mailet match="All" class="ToRepository"><repository>tagged</repository></mailet>
                    </processor>
                    <processor state="error">
                      <mailet match="All" class="ToRepository"><repository>error</repository></mailet>
                    </processor>
                  </processors>
                </mailetcontainer>
                """.formatted(MAILET));
        config = Files.writeString(conf.resolve("postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners><smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/></listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(pipeline));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private LoadedConfig load() throws Exception {
        return new ConfigLoader(home, Map.of(), "mail.test").load(config);
    }

    @Test
    void aMailetFromADroppedInJarActsOnMailReceivedOverSmtp() throws Exception {
        assertThatThrownBy(() -> Class.forName(MAILET)).as("the example is not on the test classpath")
                .isInstanceOf(ClassNotFoundException.class);
        Path jar = buildExampleJar(Files.createDirectories(home.resolve("extensions")).resolve("tag-subject-mailet.jar"));
        assertThat(jar).isRegularFile();

        server = PostlineServer.start(load(), home);
        server.store().users().add("alice@example.org", "alice-pw".toCharArray());
        send("quarterly report");

        MailRepository tagged = server.store().repositories().get("tagged");
        for (int i = 0; i < 200 && tagged.list().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(server.store().repositories().get("error").list()).isEmpty();
        SpooledMail stored = tagged.list().stream().findFirst().orElseThrow(() -> new AssertionError("nothing stored"));
        MimeMessage message;
        try (InputStream content = tagged.open(stored.id())) {
            message = new MimeMessage(Session.getInstance(new Properties()), content);
        }
        assertThat(message.getSubject()).isEqualTo("[tagged] quarterly report");
        assertThat(message.getHeader("X-Tagged-By")).containsExactly("TagSubject");
        assertThat(stored.envelope().recipients()).containsExactly("alice@example.org");
    }

    @Test
    void withoutTheJarStartupFailsNamingTheClassAndWhereItLooked() throws Exception {
        Path pipeline = home.resolve("conf/mailetcontainer.xml");
        LoadedConfig loaded = load();

        assertThatThrownBy(() -> PostlineServer.start(loaded, home))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(pipeline + ":4: ")
                .hasMessageContaining("unknown mailet '" + MAILET + "'")
                .hasMessageContaining("looked for " + MAILET + " on the classpath and in extensions/");
        assertThat(home.resolve("var/admin.sock")).doesNotExist();
    }

    private void send(String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.listeners().get(0).address().getPort()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("bob@remote.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.org"));
        message.setSubject(subject);
        message.setText("see attached\r\n");
        Transport.send(message);
    }

    /** What `mvn package` in examples/custom-mailet makes, made with the JDK's compiler and java.util.jar. */
    private Path buildExampleJar(Path jar) throws Exception {
        List<String> sources;
        try (Stream<Path> files = Files.walk(EXAMPLE_SOURCES)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        assertThat(sources).as("example sources in " + EXAMPLE_SOURCES).isNotEmpty();
        Path classes = Files.createDirectories(build.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK compiler").isNotNull();
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-proc:none", "-encoding", "UTF-8",
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()));
        arguments.addAll(sources);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = compiler.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));
        assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> compiled = Files.walk(classes)) {
            for (Path path : compiled.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace(File.separatorChar, '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
