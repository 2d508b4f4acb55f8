package dev.activations.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database work of {@link JettyExample} and {@link TomcatExample}: an H2 in-memory database
 * behind a HikariCP pool, with a counter row and an orders table. {@link #place} is one request's
 * transaction: it takes the next order number from the counter and inserts that order, so after
 * any number of requests the counter, the number of rows and the number of requests agree.
 * Closing it closes the pool, and with its last connection the database.
 */
final class Orders implements AutoCloseable {
    /** Fewer connections than concurrent requests: a request may wait for one, parked. */
    private static final int POOL_SIZE = 4;

    private final HikariDataSource pool;

    /** Opens an empty database of its own, {@code name}, and creates the tables. */
    Orders(String name) throws SQLException {
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
    long place() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement bump = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1");
                    PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = 1");
                    PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                bump.executeUpdate(); // locks the row until commit: numbers are never shared
                long order;
                try (ResultSet r = read.executeQuery()) {
                    r.next();
                    order = r.getLong(1);
                }
                insert.setLong(1, order);
                insert.executeUpdate();
                c.commit();
                return order;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** What the database holds: "counter N, N orders". */
    String tally() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT n, (SELECT COUNT(*) FROM orders) FROM counter WHERE id = 1")) {
            r.next();
            return "counter " + r.getLong(1) + ", " + r.getLong(2) + " orders";
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
