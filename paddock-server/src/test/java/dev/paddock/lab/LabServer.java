package dev.paddock.lab;

import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabExtension;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Paddock server over the lab for one test class, as a static {@code @RegisterExtension} field: the lab (shared by
 * every class of the run, see {@link LabExtension}), a server in a directory of its own that knows the lab's shared
 * directory, and the lab's hosts registered (a shared datastore, HA on with {@code window}, a fence device each).
 * The server stops after the class.
 */
final class LabServer implements BeforeAllCallback, AfterAllCallback {

    private final LabExtension lab = new LabExtension();
    private final Duration window;
    private final boolean tls;
    private Path directory;
    private PaddockServer server;
    private LabPaddock paddock;
    private LabPaddock.Registered registered;

    LabServer(Duration window) {
        this(window, false);
    }

    /** With {@code tls}, the server reaches the lab's hosts over {@code qemu+tls://} with the lab CA's certificate. */
    LabServer(Duration window, boolean tls) {
        this.window = window;
        this.tls = tls;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        lab.beforeAll(context);
        directory = Files.createTempDirectory("paddock-lab-server");
        server = PaddockServer.start(LabPaddock.secured(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(lab.lab().shared())));
        paddock = new LabPaddock(server.url());
        registered = paddock.register(lab.lab(), window, tls);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Lab lab() {
        return lab.lab();
    }

    /** The lab's extension, for fixtures that act on the same lab (a {@link LabWan}). */
    LabExtension extension() {
        return lab;
    }

    PaddockServer server() {
        return server;
    }

    LabPaddock paddock() {
        return paddock;
    }

    /** The lab's hosts and datastore as Paddock knows them. */
    LabPaddock.Registered registered() {
        return registered;
    }
}
