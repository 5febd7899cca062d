package org.postline.store;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Run in a child JVM by {@link StoreLockTest}: boots a Derby database, says "ready", and keeps it until its
 * standard input closes, like a second Postline process would.
 */
public final class HoldDerbyDatabase {

    private HoldDerbyDatabase() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("derby.stream.error.file", args[1]);
        try (Connection connection = DriverManager.getConnection(args[0])) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input
            }
        }
    }
}
