package dev.paddock.lab;

import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The server {@code LabHaCrashTest} kills during a failover: a real Paddock server over the lab (H2 in a directory
 * that outlives it, HTTP on a loopback port) in a JVM of its own. It prints {@code URL <base>} once it serves, then
 * reads commands on stdin: {@code seed CLUSTER DATASTORE HOST NAME PRIORITY} seeds a VM with a disk on the shared
 * datastore ({@link LabPaddock#seed}) and prints {@code SEEDED <id> <disk>}.
 *
 * <p>Arguments: data directory, the lab's shared directory, the administrator token the parent's client sends.
 */
public final class LabHaChild {

    private LabHaChild() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path shared = Path.of(args[1]);
        PaddockServer server = PaddockServer.start(ServerConfig.inDirectory(data, "127.0.0.1", 0,
                ServerConfig.Room.EMPTY).withLibvirtSharedDirectory(shared).withAdministratorToken(args[2]));
        System.out.println("URL " + server.url());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] words = line.strip().split(" ");
            if (words.length == 6 && words[0].equals("seed")) {
                LabPaddock.SeededVm vm = LabPaddock.seed(server.parts(), shared, words[1], words[2], words[3],
                        words[4], Integer.parseInt(words[5]));
                System.out.println("SEEDED " + vm.id() + " " + vm.disk());
            } else {
                System.out.println("UNKNOWN " + line);
            }
        }
        // stdin closed: the test is done with this server; it ends as a clean shutdown would
        server.close();
    }
}
