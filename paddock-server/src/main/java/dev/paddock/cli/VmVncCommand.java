package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock vm vnc NAME [--rotate]}: where a running VM's VNC display listens, and its password. */
@Command(name = "vnc", description = "Print a running VM's VNC address, port and password; --rotate gives it a new"
        + " password first.")
final class VmVncCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME-or-ID")
    private String vm;

    @Option(names = "--rotate", description = "Give the display a new random password; the old one stops working.")
    private boolean rotate;

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        ApiClient client = root.client();
        JsonNode found = VmsCommand.resolve(client, vm);
        String path = "api/v1/vms/" + found.path("id").asText() + "/console/vnc";
        JsonNode display = rotate ? client.post(path + "/password", null) : client.get(path);
        root.out().println("VM " + found.path("name").asText() + ": VNC at " + display.path("host").asText() + ":"
                + display.path("port").asInt() + ", password " + display.path("password").asText()
                + (rotate ? " (new)" : ""));
        root.out().println("WebSocket (noVNC): " + VmConsoleCommand.webSocket(client.server(),
                display.path("websocket").asText().replaceFirst("^/", "")));
        root.out().flush();
        return ExitCode.OK.code();
    }
}
