package dev.paddock.server;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run a server.
 *
 * @param host the address to listen on ("127.0.0.1" for the demo, "0.0.0.0" to serve a network)
 * @param port the HTTP port; 0 picks a free one
 * @param jdbcUrl the store's database
 * @param room the simulated room to manage
 * @param dataDirectory where the simulated room keeps its state between runs
 */
public record ServerConfig(String host, int port, String jdbcUrl, Room room, Path dataDirectory) {

    public static final int DEFAULT_PORT = 8080;

    /** The simulated room the server manages until libvirt hosts are wired in. */
    public enum Room {
        /** A few hosts with VMs on them, made on the first start. */
        DEMO,
        /** Simulated hosts answer at sim://NAME once added with the API; none at start. */
        EMPTY
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535, was " + port);
        }
    }

    /** An H2 store and the room's state under {@code directory}. */
    public static ServerConfig inDirectory(Path directory, String host, int port, Room room) {
        Path absolute = directory.toAbsolutePath();
        return new ServerConfig(host, port, "jdbc:h2:file:" + absolute.resolve("paddock"), room, absolute);
    }
}
