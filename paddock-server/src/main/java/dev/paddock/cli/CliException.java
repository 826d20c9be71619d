package dev.paddock.cli;

/** A command that cannot do what was asked: one sentence for stderr, and the exit status it means. */
final class CliException extends RuntimeException {

    private final ExitCode exitCode;

    CliException(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
