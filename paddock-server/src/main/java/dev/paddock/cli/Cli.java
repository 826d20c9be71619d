package dev.paddock.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * Runs one command line and returns its exit status. Errors print one sentence on stderr, never a stack
 * trace: a user error carries its own sentence; anything else is reported as unexpected with its message
 * (and its trace only when {@code PADDOCK_DEBUG} is set).
 */
public final class Cli {

    /** Verbs that never talk to a server, so the shared {@code --server} option is not offered to them. */
    private static final Set<Class<?>> LOCAL = Set.of(ServerCommand.class, DemoCommand.class,
            PlacementCommand.Solve.class, ConsolidateCommand.Plan.class, CommandLine.HelpCommand.class);

    /**
     * Verbs that print no result (they run until stopped, stream a console, or print usage), so {@code --output} is
     * not theirs. {@code vm vnc} prints a line to read or copy; GET .../console/vnc gives the same as JSON.
     */
    private static final Set<Class<?>> NO_RESULT = Set.of(ServerCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class, VmConsoleCommand.class, VmVncCommand.class);

    private Cli() {}

    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        return run(args, new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8)), out, err, env);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter, Map)}, reading standard input from {@code in}. */
    public static int run(String[] args, java.io.BufferedReader in, PrintWriter out, PrintWriter err,
            Map<String, String> env) {
        CommandLine line = commandLine(in, out, err, env);
        int status = line.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
        return commandLine(new java.io.BufferedReader(java.io.Reader.nullReader()), out, err, env);
    }

    static CommandLine commandLine(java.io.BufferedReader in, PrintWriter out, PrintWriter err,
            Map<String, String> env) {
        CommandLine line = new CommandLine(new PaddockCommand(in, out, err, env));
        line.setOut(out);
        line.setErr(err);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExitCodeExceptionMapper(error -> error instanceof CliException cli ? cli.exitCode().code()
                : ExitCode.ERROR.code());
        line.setParameterExceptionHandler((error, args) -> {
            String message = error.getMessage().strip().replaceFirst("[.:]$", "");
            err.println("paddock: " + message + " (see '" + error.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help').");
            return ExitCode.USAGE.code();
        });
        line.setExecutionExceptionHandler((error, command, parsed) -> {
            if (error instanceof CliException cli) {
                err.println("paddock: " + sentence(cli.getMessage()));
                return cli.exitCode().code();
            }
            err.println("paddock: unexpected error: " + (error.getMessage() == null ? "no message"
                    : error.getMessage()) + " (a bug; PADDOCK_DEBUG=1 prints where).");
            if (env.containsKey("PADDOCK_DEBUG")) {
                error.printStackTrace(err);
            }
            return ExitCode.ERROR.code();
        });
        withoutOptionsTheyIgnore(line);
        footer(line);
        return line;
    }

    /** Takes the inherited {@code --server} and {@code --output} away from the verbs that would ignore them. */
    private static void withoutOptionsTheyIgnore(CommandLine line) {
        for (CommandLine verb : line.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = verb.getCommandSpec();
            Class<?> type = spec.userObject().getClass();
            if (LOCAL.contains(type) && spec.findOption("--server") != null) {
                spec.remove(spec.findOption("--server"));
            }
            if (NO_RESULT.contains(type) && spec.findOption("--output") != null) {
                spec.remove(spec.findOption("--output"));
            }
            withoutOptionsTheyIgnore(verb);
        }
    }

    /** Messages from below (the engine's parsers, the server's details) may lack the full stop a sentence has. */
    private static String sentence(String message) {
        String text = message.strip();
        return text.endsWith(".") || text.endsWith("?") || text.endsWith("!") ? text : text + ".";
    }

    private static void footer(CommandLine line) {
        line.getCommandSpec().usageMessage().footer(ExitCode.helpFooter());
    }
}
