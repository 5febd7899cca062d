package org.postline.app.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where the command line reads and writes: the console when there is one (for password prompts without echo),
 * otherwise standard input. Passwords are only ever read here, never taken from arguments.
 */
public final class Terminal {

    private static final int MAX_PASSWORD_CHARS = 1024;

    private final Optional<Console> console;
    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    public Terminal(Optional<Console> console, InputStream stdin, PrintStream out, PrintStream err) {
        this.console = console;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    /** This process's console (if interactive), standard input, output and error. */
    public static Terminal system() {
        return new Terminal(Optional.ofNullable(System.console()), System.in, System.out, System.err);
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /**
     * Asks twice on a console; reads one line from standard input otherwise.
     *
     * @throws CliException if no password was given or the two entries differ
     */
    public char[] readNewPassword(String forWhom) {
        if (console.isPresent()) {
            char[] first = console.get().readPassword("New password for %s: ", forWhom);
            char[] second = console.get().readPassword("Repeat the password: ");
            try {
                if (first == null || first.length == 0) {
                    throw new CliException(CliException.FAILED, "no password given");
                }
                if (!Arrays.equals(first, second)) {
                    throw new CliException(CliException.FAILED, "the two passwords differ");
                }
                return first.clone();
            } finally {
                wipe(first);
                wipe(second);
            }
        }
        char[] line = readLine();
        if (line.length == 0) {
            throw new CliException(CliException.FAILED, "no password on standard input (give it as the first line)");
        }
        return line;
    }

    /** One line of standard input without its line end, read straight into a char array. */
    private char[] readLine() {
        char[] buffer = new char[MAX_PASSWORD_CHARS];
        int length = 0;
        try {
            Reader reader = new InputStreamReader(stdin, StandardCharsets.UTF_8);
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                if (length == buffer.length) {
                    throw new CliException(CliException.FAILED, "the password is longer than " + MAX_PASSWORD_CHARS + " characters");
                }
                buffer[length++] = (char) c;
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            return Arrays.copyOf(buffer, length);
        } catch (IOException e) {
            throw new CliException(CliException.FAILED, "cannot read the password from standard input: " + e.getMessage(), e);
        } finally {
            Arrays.fill(buffer, '\0');
        }
    }

    private static void wipe(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }
}
