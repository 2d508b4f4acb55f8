package dev.activations.bench.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A JDBC workload for a server's requests: an H2 in-memory database behind a HikariCP pool of
 * {@link #POOL_SIZE} connections (Hikari's default size), with a counter row and an orders table.
 * {@link #place} is one request's transaction: it bumps the counter and inserts the order the new
 * value numbers. Every transaction updates the one counter row, so they commit one after another
 * (a hot row), and a request that finds every pooled connection taken waits in the pool, parked.
 * Whatever the concurrency, the counter and the number of rows equal the transactions committed.
 */
public final class OrderDatabase implements AutoCloseable {
    public static final int POOL_SIZE = 10;

    private final HikariDataSource pool;

    /** What the database holds, read in one statement (so from one snapshot). */
    public record Counts(long counter, long orders) {
    }

    /** An empty database named {@code name} (in this JVM) with its tables. */
    public OrderDatabase(String name) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:" + name);
        config.setPoolName(name);
        config.setMaximumPoolSize(POOL_SIZE);
        pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)");
            s.execute("INSERT INTO counter VALUES (1, 0)");
            s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
        }
    }

    /** One transaction: bumps the counter and inserts the order it numbers. Returns the number. */
    public long place() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement bump = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1");
                    PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = 1");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                bump.executeUpdate(); // holds the row's lock until commit: every number is taken once
                long order;
                try (ResultSet r = read.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalStateException("the counter row is gone");
                    }
                    order = r.getLong(1);
                }
                insert.setLong(1, order);
                insert.executeUpdate();
                c.commit();
                return order;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The counter and the number of orders, from one snapshot. */
    public Counts counts() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT n, (SELECT COUNT(*) FROM orders) FROM counter WHERE id = 1")) {
            if (!r.next()) {
                throw new IllegalStateException("the counter row is gone");
            }
            return new Counts(r.getLong(1), r.getLong(2));
        }
    }

    /** Closes the pool, and with its last connection the database. */
    @Override
    public void close() {
        pool.close();
    }
}
