package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;
import org.postline.container.testkit.TestEnv;

/** Each configuration mistake stops start-up with one message naming file, line and setting. */
class ConfigErrorTest {

    private static final String ERROR = "<processor state=\"error\">\n"
            + "<mailet match=\"All\" class=\"ToRepository\"><repository>error</repository></mailet>\n</processor>\n";

    @TempDir
    Path dir;

    private ConfigException fail(String xml) {
        Path file = TestEnv.write(dir, xml);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MailetContainer.load(file, new TestEnv().environment()).close());
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.getMessage()).startsWith(file.toString());
        return e;
    }

    private static String root(String pairs) {
        return "<mailetcontainer>\n<processors>\n<processor state=\"root\">\n" + pairs + "\n</processor>\n" + ERROR
                + "</processors>\n</mailetcontainer>\n";
    }

    @Test
    void missingRootProcessor() {
        ConfigException e = fail("<mailetcontainer>\n<processors>\n" + ERROR + "</processors>\n</mailetcontainer>");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("'root' processor is required");
    }

    @Test
    void missingErrorProcessor() {
        ConfigException e = fail("<mailetcontainer>\n<processors>\n<processor state=\"root\">\n"
                + "<mailet match=\"All\" class=\"Null\"/>\n</processor>\n</processors>\n</mailetcontainer>");
        assertThat(e.getMessage()).contains("'error' processor is required");
    }

    @Test
    void matcherInsteadOfMatch() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\"/>\n<mailet matcher=\"All\" class=\"Null\"/>"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.setting()).isEqualTo("processor[root]/mailet[2]");
        assertThat(e.getMessage()).contains("unknown attribute matcher=").contains("did you mean match=");
    }

    @Test
    void aParameterWithALineBreakThatWouldStartANewHeaderIsRefused() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"AddSubjectPrefix\">"
                + "<subjectPrefix>[list]&#13;&#10;Bcc: everyone@example.org</subjectPrefix></mailet>"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("subjectPrefix").contains("inject");
    }

    @Test
    void aParameterWithAControlCharacterIsRefused() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"SetMimeHeader\"><name>X-Tag</name>"
                + "<value>a&#127;b</value></mailet>"));
        assertThat(e.getMessage()).contains("value").contains("U+007F");
    }

    @Test
    void indentedMultiLineParametersAreFolds() throws Exception {
        Path file = TestEnv.write(dir, root("<mailet match=\"All\" class=\"SetMimeHeader\">\n<name>X-Note</name>\n"
                + "<value>first line\n      second line</value>\n</mailet>"));
        MailetContainer.load(file, new TestEnv().environment()).close();
    }

    @Test
    void unknownElement() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\"/>\n<maillet match=\"All\" class=\"Null\"/>"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("unknown element <maillet>");
    }

    @Test
    void unknownMailetClassListsWhereItLooked() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"NoSuchMailet\"/>"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("unknown mailet 'NoSuchMailet'")
                .contains("org.postline.mailets.NoSuchMailet")
                .contains("org.postline.container.mailets.NoSuchMailet")
                .contains("org.apache.james.transport.mailets.NoSuchMailet");
    }

    @Test
    void unknownMatcherClassListsWhereItLooked() {
        ConfigException e = fail(root("<mailet match=\"NoSuchMatcher=x\" class=\"Null\"/>"));
        assertThat(e.getMessage()).contains("unknown matcher 'NoSuchMatcher'")
                .contains("org.postline.matchers.NoSuchMatcher")
                .contains("org.apache.james.transport.matchers.NoSuchMatcher");
    }

    @Test
    void aMatcherUsedAsMailet() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"org.apache.james.transport.matchers.All\"/>"));
        assertThat(e.getMessage()).contains("is not a mailet (it does not implement org.apache.mailet.Mailet)");
    }

    @Test
    void toProcessorToAnUnknownProcessor() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"ToProcessor\">\n<processor>transprot</processor>\n</mailet>"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("sends mail to processor 'transprot', which is not defined")
                .contains("processors: error, root");
    }

    @Test
    void onMailetExceptionToAnUnknownProcessor() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\">\n<onMailetException>quarantine</onMailetException>\n</mailet>"));
        assertThat(e.setting()).endsWith("/onMailetException");
        assertThat(e.getMessage()).contains("no processor named 'quarantine'");
    }

    @Test
    void onMatchExceptionToAnUnknownProcessor() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\">\n<onMatchException>ignore</onMatchException>\n</mailet>"));
        assertThat(e.getMessage()).contains("no processor named 'ignore'").contains("nomatch, matchall, propagate");
    }

    @Test
    void anInitParameterTheMailetRejects() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"org.postline.container.testkit.RejectingMailet\">\n"
                + "<god>1</god>\n</mailet>"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("rejected its configuration").contains("god");
    }

    @Test
    void aMissingRequiredParameter() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"ToProcessor\"/>"));
        assertThat(e.getMessage()).contains("processor parameter is required");
    }

    @Test
    void aMatcherConditionTheMatcherRejects() {
        ConfigException e = fail(root("<mailet match=\"RelayLimit=many\" class=\"Null\"/>"));
        assertThat(e.getMessage()).contains("matcher RelayLimit rejected its condition \"many\"");
    }

    @Test
    void matchAndNotmatchTogether() {
        ConfigException e = fail(root("<mailet match=\"All\" notmatch=\"All\" class=\"Null\"/>"));
        assertThat(e.getMessage()).contains("match and notmatch together");
    }

    @Test
    void theMisspeltOnMatcherExceptionIsRejectedWithTheRightSpelling() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\">\n<onMatcherException>nomatch</onMatcherException>\n</mailet>"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("<onMatchException>");
    }

    @Test
    void ghostIsNotAProcessor() {
        ConfigException e = fail("<mailetcontainer>\n<processors>\n<processor state=\"ghost\"/>\n</processors>\n</mailetcontainer>");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("'ghost' is reserved");
    }

    @Test
    void duplicateProcessor() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\"/>").replace("</processors>",
                "<processor state=\"root\"/>\n</processors>"));
        assertThat(e.getMessage()).contains("a second processor with state 'root'");
    }

    @Test
    void duplicateMatcherName() {
        ConfigException e = fail(root("<matcher name=\"x\" match=\"Or\"><matcher match=\"All\"/></matcher>\n"
                + "<matcher name=\"x\" match=\"Or\"><matcher match=\"All\"/></matcher>"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("a second matcher named 'x'");
    }

    @Test
    void compositeWithoutChildrenAndChildrenUnderASimpleMatcher() {
        assertThat(fail(root("<matcher name=\"x\" match=\"Or\"/>")).getMessage())
                .contains("needs nested <matcher");
        assertThat(fail(root("<matcher name=\"x\" match=\"All\"><matcher match=\"All\"/></matcher>")).getMessage())
                .contains("is not a composite matcher");
    }

    @Test
    void malformedXmlNamesTheLine() {
        ConfigException e = fail("<mailetcontainer>\n<processors>\n<processor state=\"root\">\n</processors>");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.setting()).isEqualTo("xml");
    }

    @Test
    void aMissingFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MailetContainer.load(dir.resolve("absent.xml"), new TestEnv().environment()));
        assertThat(e.getMessage()).contains("absent.xml").contains("does not exist");
    }

    @Test
    void anInvalidThreadCount() {
        ConfigException e = fail(root("<mailet match=\"All\" class=\"Null\"/>").replace("<processors>",
                "<spooler><threads>lots</threads></spooler>\n<processors>"));
        assertThat(e.setting()).isEqualTo("spooler/threads");
    }

    @Test
    void jamesSpoolerSettingsAreAccepted() throws Exception {
        Path file = TestEnv.write(dir, root("<mailet match=\"All\" class=\"Null\"/>").replace("<processors>",
                "<context><postmaster>admin</postmaster></context>\n<spooler><threads>3</threads>"
                        + "<errorRepository>file://var/mail/error/</errorRepository></spooler>\n<processors>")
                .replace("<mailetcontainer>", "<mailetcontainer enableJmx=\"true\">"));
        try (MailetContainer container = MailetContainer.load(file, new TestEnv().environment())) {
            assertThat(container.mailetContext().getPostmaster().asString()).isEqualTo("admin@example.org");
            assertThat(container.pipeline().errorRepository()).isEqualTo("error");
            assertThat(container.processorNames()).containsExactlyInAnyOrder("root", "error");
        }
    }
}
