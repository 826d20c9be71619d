package dev.paddock.security;

import dev.paddock.store.KeyUses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/** The keys of a test's store, opened as a server opens them. */
public final class TestKeys {

    private TestKeys() {}

    /** The keys in {@code directory/keys}, made the first time, for the data of {@code dataSource}. */
    public static ServerKeys in(Path directory, DataSource dataSource) {
        return ServerKeys.open(directory.resolve("keys"), KeyUses.of(dataSource));
    }

    /** New keys in a directory of their own, for a store nobody reopens. */
    public static ServerKeys fresh() {
        try {
            Path directory = Files.createTempDirectory("paddock-keys-");
            directory.toFile().deleteOnExit();
            return ServerKeys.open(directory, java.util.Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
