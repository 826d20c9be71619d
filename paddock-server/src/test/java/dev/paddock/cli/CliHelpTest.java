package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CliHelpTest {

    /** Every verb and group, as the contract's walk finds them: a new verb answers --help without being listed. */
    static Stream<String> commands() {
        return Stream.concat(CliContractTest.verbs(), CliContractTest.groups());
    }

    @ParameterizedTest(name = "paddock {0} --help prints its usage and exits 0")
    @MethodSource("commands")
    void everyVerbAnswersHelp(String verb) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = (verb + " --help").split(" ");

        int status = Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());

        assertThat(status).isZero();
        assertThat(out.toString()).startsWith("Usage: paddock " + verb);
        assertThat(err.toString()).isEmpty();
    }
}
