/**
 * The command line: the server and demo verbs, and the client verbs, which speak only REST (through
 * {@link dev.paddock.cli.ApiClient}) and exit with the codes of {@link dev.paddock.cli.ExitCode}.
 */
package dev.paddock.cli;
