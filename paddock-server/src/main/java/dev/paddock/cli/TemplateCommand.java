package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock template create|list|delete}: an image and the hardware VMs made from it get. */
@Command(name = "template", description = "Create, list and delete templates (an image plus default hardware).",
        subcommands = {TemplateCommand.Create.class, TemplateCommand.ListAll.class, TemplateCommand.Delete.class})
final class TemplateCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with templates: create, list or delete (see"
                + " 'paddock template --help').");
    }

    @Command(name = "create", description = "Create a template over an image of the library.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--image", required = true, paramLabel = "NAME-or-ID")
        private String image;

        @Option(names = "--cpu", required = true, paramLabel = "N", description = "vCPUs.")
        private int cpus;

        @Option(names = "--memory", required = true, paramLabel = "SIZE", converter = MemorySize.class,
                description = "Memory: MiB (2048) or with a unit (2G, 512M).")
        private long memoryMib;

        @Option(names = "--disk", paramLabel = "GIB", description = "The first disk's size (default: the image's).")
        private Long diskGib;

        @Option(names = "--firmware", paramLabel = "bios|uefi")
        private String firmware;

        @Option(names = "--boot", split = ",", paramLabel = "DEVICE", description = "Boot order: disk, cdrom,"
                + " network, comma-separated.")
        private List<String> boot;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode template = root.client().post("api/v1/templates", new Requests.NewTemplate(name, image, cpus,
                    memoryMib, diskGib, firmware, boot));
            if (root.json()) {
                root.printJson(template);
            } else {
                root.out().println("template " + name + ": " + template.path("id").asText());
                root.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List templates.")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode templates = root.client().get("api/v1/templates");
            if (root.json()) {
                root.printJson(templates);
                return 0;
            }
            java.util.Map<String, String> images = new java.util.HashMap<>();
            root.client().get("api/v1/images").path("items").forEach(i -> images.put(i.path("id").asText(),
                    i.path("name").asText()));
            Table table = new Table("NAME", "VCPUS", "MEMORY", "DISK", "FIRMWARE", "IMAGE", "ID");
            for (JsonNode template : templates.path("items")) {
                String image = template.path("imageId").asText();
                table.row(template.path("name").asText(), template.path("vcpus").asText(),
                        template.path("memoryMib").asText() + " MiB", template.path("diskGib").asText() + " GiB",
                        template.path("firmware").asText(), images.getOrDefault(image, image),
                        template.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a template; its image stays.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String template;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete("api/v1/templates/" + ApiClient.encode(template));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("name", template).put("deleted", true),
                    "template " + template + " deleted.");
        }
    }
}
