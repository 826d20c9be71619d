package dev.paddock;

import dev.paddock.cli.Cli;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The one executable: server, demo and the command-line client. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(Cli.run(args, out, err, System.getenv()));
    }
}
