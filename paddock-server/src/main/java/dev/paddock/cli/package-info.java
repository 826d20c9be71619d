/**
 * The command line: the server and demo verbs, the local planners ({@code placement solve},
 * {@code consolidate plan}), and the client verbs, which speak only REST (through {@link dev.paddock.cli.ApiClient}).
 *
 * <p>The contract every verb keeps (held by {@code CliContractTest}, which walks the picocli tree, so a new verb is
 * checked without being listed; it only needs an example in that test's table):
 * <ul>
 *   <li>A verb that offers {@code -o json} prints its result as one JSON document with it, and nothing else on
 *       stdout; verbs that print no result ({@code server}, {@code demo}) do not offer it, and verbs that never talk
 *       to a server do not offer {@code --server} ({@link dev.paddock.cli.Cli} takes the inherited options away).
 *   <li>Every error is one sentence on stderr, starting {@code paddock: }, with no stack trace: a bad argument, an
 *       unknown name, an unreachable server, a server's problem detail.
 *   <li>The exit status says what went wrong, as {@link dev.paddock.cli.ExitCode} lists it (and {@code --help} prints).
 * </ul>
 */
package dev.paddock.cli;
