package dev.paddock.api;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Every row of every table of a store, each row one line (its columns in order), sorted per table: two dumps are
 * equal when the store holds the same data, whatever order the rows came in.
 */
record StoreDump(Map<String, List<String>> tables) {

    /** The tables of the store, read as they are now. */
    static StoreDump of(DataSource dataSource) {
        Map<String, List<String>> tables = new TreeMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet listed = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'PUBLIC' AND table_type = 'BASE TABLE'")) {
                while (listed.next()) {
                    names.add(listed.getString(1));
                }
            }
            for (String name : names) {
                tables.put(name, rows(statement, name));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot dump the store", e);
        }
        return new StoreDump(tables);
    }

    private static List<String> rows(Statement statement, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= columns; column++) {
                    row.append(column == 1 ? "" : " | ").append(result.getMetaData().getColumnName(column))
                            .append('=').append(result.getString(column));
                }
                rows.add(row.toString());
            }
        }
        Collections.sort(rows);
        return rows;
    }

    /** What {@code after} holds that this dump does not ("+ TABLE row") and what it lost ("- TABLE row"). */
    List<String> changesTo(StoreDump after) {
        List<String> changes = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>(tables.keySet());
        names.addAll(after.tables.keySet());
        for (String name : names) {
            List<String> before = tables.getOrDefault(name, List.of());
            List<String> now = after.tables.getOrDefault(name, List.of());
            if (before.equals(now)) {
                continue;
            }
            java.util.Set<String> kept = new java.util.HashSet<>(before);
            java.util.Set<String> nowSet = new java.util.HashSet<>(now);
            before.stream().filter(row -> !nowSet.contains(row)).forEach(row -> changes.add("- " + name + " " + row));
            now.stream().filter(row -> !kept.contains(row)).forEach(row -> changes.add("+ " + name + " " + row));
        }
        return changes;
    }
}
