package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.cli.CliContract.Example;
import dev.paddock.cli.CliContract.Mistake;
import dev.paddock.cli.CliContract.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The contract's checks catch what they are for, on a tiny command line built to break it: a verb that offers
 * {@code -o json} and prints a table, one whose error is a stack trace, one the example table lacks.
 */
class CliContractCheckTest {

    @Command(name = "tiny", subcommands = {Report.class, Crash.class, Fresh.class})
    static final class Tiny implements Runnable {
        @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT)
        String output = "table";

        @Override
        public void run() {}
    }

    /** Offers {@code -o json} (inherited) and ignores it, as {@code consolidate plan} once did. */
    @Command(name = "report")
    static final class Report implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println("NAME  STATE\nweb   RUNNING");
            return 0;
        }
    }

    /** Prints JSON, and answers a bad argument with an exception's trace. */
    @Command(name = "crash")
    static final class Crash implements Callable<Integer> {
        @Option(names = "--size")
        String size = "1";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println("{\"size\": " + Integer.parseInt(size) + "}");
            return 0;
        }
    }

    /** A verb added without an example. */
    @Command(name = "fresh")
    static final class Fresh implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    private static final Map<String, Example> EXAMPLES = Map.of(
            "report", Example.of(List::of),
            "crash", Example.of(List::of, Mistake.of("a size that is no number", ExitCode.REJECTED, "--size", "big")),
            "gone", Example.of(List::of));

    private static Run tiny(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new Tiny()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int status = line.execute(args.toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    private final CliContract contract = new CliContract(CliContractCheckTest::tiny, "http://127.0.0.1:1");

    private CommandLine verb(String name) {
        return new CommandLine(new Tiny()).getSubcommands().get(name);
    }

    @Test
    void aVerbThatPrintsATableForJsonIsReported() {
        List<String> violations = contract.violations(verb("report"), EXAMPLES.get("report"));

        assertThat(violations).anySatisfy(v -> assertThat(v).isEqualTo("'paddock report -o json' printed something"
                + " that is not JSON (it starts \"NAME  STATE\"); print the result with the root's printJson when"
                + " -o json is given."));
    }

    @Test
    void aStackTraceAndAWrongStatusAreReported() {
        List<String> violations = contract.violations(verb("crash"), EXAMPLES.get("crash"));

        assertThat(violations).as("its JSON is fine").noneMatch(v -> v.contains("-o json"));
        assertThat(violations).anySatisfy(v -> assertThat(v)
                .startsWith("'paddock crash --size big' (a size that is no number) exited 1, not 4")
                .contains("NumberFormatException"));
        assertThat(violations).anySatisfy(v -> assertThat(v)
                .startsWith("'paddock crash --no-such-option' (an unknown option) must print one sentence on stderr"));
    }

    @Test
    void aVerbWithoutAnExampleAndAnExampleWithoutAVerbAreNamedWithWhatToDo() {
        assertThat(CliContract.unmatched(new CommandLine(new Tiny()), EXAMPLES, "EXAMPLES")).containsExactly(
                "'tiny fresh' has no example: add an entry \"fresh\" to EXAMPLES with arguments that run it against"
                        + " the test server and the mistakes it must answer.",
                "EXAMPLES has an example for \"gone\", which is no verb of 'tiny': remove it.");
    }

    @Test
    void oneSentenceMeansOneLineOfOursWithoutATrace() {
        assertThat(CliContract.oneSentence("paddock: No VM is named 'x'.\n")).isTrue();
        assertThat(CliContract.oneSentence("paddock: unexpected error: java.lang.IllegalStateException: x.")).isFalse();
        assertThat(CliContract.oneSentence("paddock: bad.\nTry 'paddock --help'.")).isFalse();
        assertThat(CliContract.oneSentence("No VM is named 'x'.")).isFalse();
    }
}
