package dev.paddock.cli;

/** What the command line's exit status means; scripts may rely on these numbers. */
public enum ExitCode {
    OK(0, "success"),
    ERROR(1, "the server failed, or an unexpected error"),
    USAGE(2, "the command line is wrong"),
    NOT_FOUND(3, "no such VM, host, operation or route"),
    REJECTED(4, "the server rejected the input (bad or out-of-bounds value)"),
    CONFLICT(5, "the request conflicts with the current state (name taken, VM in the wrong state, no room;"
            + " another server is active on the database)"),
    UNREACHABLE(6, "the server cannot be reached"),
    OPERATION_FAILED(7, "the operation ended failed, cancelled or rolled back"),
    TAMPERED(8, "the audit log's chain does not hold: an entry was changed, removed or rewritten"),
    DENIED(9, "no credentials, wrong ones, not allowed, too many failed logins ('paddock login'), or too much work"
            + " started (wait and retry)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The exit status that tells a script what an HTTP error status meant. */
    static ExitCode ofHttpStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 400, 405, 413, 422 -> REJECTED;
            case 409 -> CONFLICT;
            case 401, 403, 429 -> DENIED;
            default -> ERROR;
        };
    }

    /** The lines of the help footer that list the codes. */
    static String[] helpFooter() {
        ExitCode[] codes = values();
        String[] lines = new String[codes.length + 1];
        lines[0] = "%nExit codes:";
        for (int i = 0; i < codes.length; i++) {
            lines[i + 1] = String.format("  %d  %s", codes[i].code, codes[i].meaning);
        }
        return lines;
    }
}
