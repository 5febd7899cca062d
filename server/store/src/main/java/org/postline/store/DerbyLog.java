package org.postline.store;

import java.io.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Derby's error log (by default a {@code derby.log} file in the working directory) to SLF4J instead.
 * Derby finds it through the system property {@code derby.stream.error.method}.
 */
public final class DerbyLog {

    private static final Logger LOG = LoggerFactory.getLogger("org.apache.derby");
    static final String PROPERTY = "derby.stream.error.method";

    private DerbyLog() {
    }

    /** Called by Derby (by name, see {@link #PROPERTY}) once per engine boot. */
    public static Writer writer() {
        return new LineWriter();
    }

    /** Points Derby at {@link #writer()} unless the operator chose another destination for its log. */
    static void install() {
        if (System.getProperty("derby.stream.error.file") == null
                && System.getProperty("derby.stream.error.field") == null
                && System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, DerbyLog.class.getName() + ".writer");
        }
    }

    /** Logs one line per line Derby writes. */
    private static final class LineWriter extends Writer {
        private final StringBuilder line = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (c == '\n') {
                    emit();
                } else if (c != '\r') {
                    line.append(c);
                }
            }
        }

        @Override
        public synchronized void flush() {
            // Lines are logged when complete; a partial line waits for its end.
        }

        @Override
        public synchronized void close() {
            emit();
        }

        /** Boot banners and stack frames are routine detail; error and warning lines are worth an operator's eye. */
        private void emit() {
            if (line.length() > 0) {
                String text = line.toString();
                line.setLength(0);
                String trimmed = text.strip();
                boolean frame = trimmed.startsWith("at ") || trimmed.startsWith("...");
                if (!frame && (text.contains("ERROR") || text.contains("WARNING") || text.contains("Exception"))) {
                    LOG.warn("{}", text);
                } else {
                    LOG.debug("{}", text);
                }
            }
        }
    }
}
