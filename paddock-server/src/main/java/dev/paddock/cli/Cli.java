package dev.paddock.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs one command line and returns its exit status. Errors print one sentence on stderr, never a stack
 * trace: a user error carries its own sentence; anything else is reported as unexpected with its message.
 */
public final class Cli {

    private Cli() {}

    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine line = commandLine(out, err, env);
        int status = line.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine line = new CommandLine(new PaddockCommand(out, err, env));
        line.setOut(out);
        line.setErr(err);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExitCodeExceptionMapper(error -> error instanceof CliException cli ? cli.exitCode().code()
                : ExitCode.ERROR.code());
        line.setParameterExceptionHandler((error, args) -> {
            err.println("paddock: " + error.getMessage());
            CommandLine command = error.getCommandLine();
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE.code();
        });
        line.setExecutionExceptionHandler((error, command, parsed) -> {
            if (error instanceof CliException cli) {
                err.println("paddock: " + cli.getMessage());
                return cli.exitCode().code();
            }
            err.println("paddock: unexpected error: " + error);
            return ExitCode.ERROR.code();
        });
        footer(line);
        return line;
    }

    private static void footer(CommandLine line) {
        line.getCommandSpec().usageMessage().footer(ExitCode.helpFooter());
    }
}
