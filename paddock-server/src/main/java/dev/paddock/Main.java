package dev.paddock;

/** The one executable: server, demo and the command-line client. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("paddock: not built yet");
        System.exit(2);
    }
}
