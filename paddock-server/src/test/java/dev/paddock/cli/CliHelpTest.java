package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliHelpTest {

    @ParameterizedTest(name = "paddock {0} --help prints its usage and exits 0")
    @ValueSource(strings = {"hosts", "vms", "vm", "vm create", "vm start", "vm stop", "vm delete", "vm adopt",
            "vm quarantine", "ops", "ops watch", "server", "demo", "placement solve", "ha", "host"})
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
