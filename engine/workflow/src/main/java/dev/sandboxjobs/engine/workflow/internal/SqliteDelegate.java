package dev.sandboxjobs.engine.workflow.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.quartz.impl.jdbcjobstore.StdJDBCDelegate;

/**
 * Quartz's standard delegate, reading BLOB columns with {@code getBytes()}: sqlite-jdbc does not
 * implement {@code getBlob()}.
 */
public class SqliteDelegate extends StdJDBCDelegate {
    @Override
    protected Object getObjectFromBlob(ResultSet rs, String colName)
            throws ClassNotFoundException, IOException, SQLException {
        byte[] bytes = rs.getBytes(colName);
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Override
    protected Object getJobDataFromBlob(ResultSet rs, String colName)
            throws ClassNotFoundException, IOException, SQLException {
        if (canUseProperties()) {
            byte[] bytes = rs.getBytes(colName);
            if (bytes == null || bytes.length == 0) {
                return null;
            }
            InputStream in = new ByteArrayInputStream(bytes);
            return in;
        }
        return getObjectFromBlob(rs, colName);
    }
}
