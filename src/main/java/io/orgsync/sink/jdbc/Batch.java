package io.orgsync.sink.jdbc;

import io.orgsync.model.Member;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One prepared statement whose rows are sent {@code size} at a time. */
final class Batch implements AutoCloseable {
    final PreparedStatement statement;
    private final int size;
    private int pending;
    private Batch prerequisite;

    Batch(int size, Connection connection, String sql) throws SQLException {
        this.size = size;
        this.statement = connection.prepareStatement(sql);
    }

    /** Binds source, tenant and the member id as parameters 1 to 3. */
    Batch bindKey(Member member) throws SQLException {
        statement.setString(1, member.source());
        statement.setString(2, member.tenant());
        statement.setString(3, member.id());
        return this;
    }

    void add() throws SQLException {
        statement.addBatch();
        if (++pending >= size) {
            flush();
        }
    }

    /** Whenever this batch is sent, {@code earlier}'s pending rows are sent first. */
    Batch after(Batch earlier) {
        this.prerequisite = earlier;
        return this;
    }

    /** Sends the rows still pending; call once all are added. */
    void flush() throws SQLException {
        if (prerequisite != null) {
            prerequisite.flush();
        }
        if (pending > 0) {
            statement.executeBatch();
            pending = 0;
        }
    }

    /** Never sends anything: after a failure the rest of the batch is dropped with the transaction. */
    @Override
    public void close() throws SQLException {
        statement.close();
    }
}
