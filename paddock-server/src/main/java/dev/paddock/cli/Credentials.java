package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The tokens {@code paddock login} keeps, one per server URL, in {@code $XDG_CONFIG_HOME/paddock/credentials}
 * ({@code ~/.config/paddock/credentials} without it), a JSON object readable by its owner only (mode 0600).
 */
final class Credentials {

    /** A stored login: who, the token's id (to revoke it at logout) and its secret. */
    record Login(String user, String tokenId, String token) {}

    private final Path file;

    Credentials(Path file) {
        this.file = file;
    }

    static Credentials of(Map<String, String> env) {
        String config = env.get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isBlank() ? Path.of(config)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return new Credentials(base.resolve("paddock").resolve("credentials"));
    }

    Path file() {
        return file;
    }

    Optional<Login> get(String server) {
        JsonNode entry = read().path(server);
        if (!entry.hasNonNull("token")) {
            return Optional.empty();
        }
        return Optional.of(new Login(entry.path("user").asText(), entry.path("tokenId").asText(),
                entry.path("token").asText()));
    }

    void put(String server, Login login) {
        ObjectNode all = read();
        all.putObject(server).put("user", login.user()).put("tokenId", login.tokenId()).put("token", login.token());
        write(all);
    }

    void remove(String server) {
        ObjectNode all = read();
        if (all.remove(server) != null) {
            write(all);
        }
    }

    private ObjectNode read() {
        if (!Files.exists(file)) {
            return Json.mapper().createObjectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(file.toFile());
            return node instanceof ObjectNode object ? object : Json.mapper().createObjectNode();
        } catch (IOException e) {
            throw new CliException(ExitCode.ERROR, "Cannot read the credentials in " + file + ": " + e.getMessage()
                    + ".");
        }
    }

    /** Writes through a 0600 file beside the old one, then moves it in place, so no reader sees half of it. */
    private void write(ObjectNode all) {
        try {
            Files.createDirectories(file.getParent());
            Path fresh = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(fresh);
            Files.createFile(fresh, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(fresh, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all) + "\n");
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCode.ERROR, "Cannot write the credentials in " + file + ": " + e.getMessage()
                    + ".");
        }
    }
}
