package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock image upload|import|list|delete}: the image library of the datastores. */
@Command(name = "image", description = "Upload, import, list and delete the images VMs' disks are cloned from.",
        subcommands = {ImageCommand.Upload.class, ImageCommand.Import.class, ImageCommand.ListAll.class,
                ImageCommand.Delete.class})
final class ImageCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with images: upload, import, list or delete (see"
                + " 'paddock image --help').");
    }

    @Command(name = "upload", description = "Upload a qcow2, raw or ISO file into a datastore's library; its SHA-256 is"
            + " sent along and the server keeps nothing unless the bytes it received have it.")
    static final class Upload implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE")
        private Path file;

        @Option(names = "--datastore", required = true, paramLabel = "NAME-or-ID")
        private String datastore;

        @Option(names = "--name", paramLabel = "NAME", description = "The image's name (default: the file's).")
        private String name;

        @Option(names = "--host", paramLabel = "HOST", description = "Upload through this host.")
        private String host;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCode.USAGE, "There is no file " + file + ".");
            }
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String id = DatastoreCommand.resolve(client, datastore);
            String imageName = name == null ? file.getFileName().toString() : name;
            String path = "api/v1/datastores/" + ApiClient.encode(id) + "/images?name=" + ApiClient.encode(imageName)
                    + "&sha256=" + sha256(file) + (host == null ? "" : "&host=" + ApiClient.encode(host));
            return printed(root, client.upload(path, file));
        }
    }

    @Command(name = "import", description = "Copy an image file that is on a host into a datastore's library.")
    static final class Import implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PATH", description = "The file's absolute path on the host.")
        private String path;

        @Option(names = "--datastore", required = true, paramLabel = "NAME-or-ID")
        private String datastore;

        @Option(names = "--name", required = true, paramLabel = "NAME")
        private String name;

        @Option(names = "--host", paramLabel = "HOST", description = "The host holding the file.")
        private String host;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String id = DatastoreCommand.resolve(client, datastore);
            return printed(root, client.post("api/v1/datastores/" + ApiClient.encode(id) + "/images/import",
                    new Requests.ImportImage(name, host, path)));
        }
    }

    @Command(name = "list", description = "List the images of every datastore.")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode images = root.client().get("api/v1/images");
            if (root.json()) {
                root.printJson(images);
                return 0;
            }
            java.util.Map<String, String> datastores = new java.util.HashMap<>();
            root.client().get("api/v1/datastores").path("items").forEach(d -> datastores.put(d.path("id").asText(),
                    d.path("name").asText()));
            Table table = new Table("NAME", "FORMAT", "SIZE", "DATASTORE", "SHA256", "ID");
            for (JsonNode image : images.path("items")) {
                String datastore = image.path("datastoreId").asText();
                table.row(image.path("name").asText(), image.path("format").asText(),
                        String.format(java.util.Locale.ROOT, "%.1f GiB", image.path("sizeBytes").asLong()
                                / (double) (1L << 30)), datastores.getOrDefault(datastore, datastore),
                        image.path("sha256").asText().substring(0, 16) + "...", image.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete an image and its volume; refused while a template or a linked"
            + " clone uses it.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String image;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete("api/v1/images/" + ApiClient.encode(image));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("name", image).put("deleted", true),
                    "image " + image + " deleted.");
        }
    }

    private static int printed(PaddockCommand root, JsonNode image) {
        if (root.json()) {
            root.printJson(image);
        } else {
            root.out().println("image " + image.path("name").asText() + " (" + image.path("format").asText() + ", "
                    + image.path("sizeBytes").asLong() + " bytes, sha256 " + image.path("sha256").asText() + "): "
                    + image.path("id").asText());
            root.out().flush();
        }
        return 0;
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "Cannot read " + file + ": " + e.getMessage() + ".");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM offers no SHA-256", e);
        }
    }
}
