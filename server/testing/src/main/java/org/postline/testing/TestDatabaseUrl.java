package org.postline.testing;

/** A database on a test cluster: its JDBC URL and the user to log in as (no password). */
public record TestDatabaseUrl(String jdbcUrl, String user) {
}
