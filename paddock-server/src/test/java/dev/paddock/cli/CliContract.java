package dev.paddock.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * What every verb of a picocli command line promises, found by walking the tree so that a verb added later is held
 * to it without anyone listing it: with {@code -o json} (when it offers it) it prints JSON; an unknown option, a bad
 * value, an unknown name and (when it offers {@code --server}) an unreachable server each end in one sentence on
 * stderr — no stack trace, no exception's name — and the exit status of {@link ExitCode} that means it.
 *
 * <p>The walk finds the verbs; a small table of {@link Example}s says how to run each one. A verb without an example
 * is itself a violation, named with what to add.
 */
final class CliContract {

    /** One run of a command line. */
    record Run(int status, String out, String err) {}

    /** A mistake a verb must answer with one sentence and {@code status}; {@code args} follow the verb's words. */
    record Mistake(String what, List<String> args, ExitCode status) {
        static Mistake of(String what, ExitCode status, String... args) {
            return new Mistake(what, List.of(args), status);
        }
    }

    /**
     * How to run a verb: arguments (after its words) that succeed against the test server, made when the verb is
     * checked (they may create what they name), and the mistakes particular to it.
     */
    record Example(Supplier<List<String>> args, List<Mistake> mistakes, boolean succeeds) {
        static Example of(Supplier<List<String>> args, Mistake... mistakes) {
            return new Example(args, List.of(mistakes), true);
        }

        /**
         * A verb that cannot succeed against the simulated test server (it needs real disks: a backup reads a
         * libvirt host's NBD export); {@code args} are well formed, and the lab tests prove the verb succeeds.
         */
        static Example withoutSuccess(Supplier<List<String>> args, Mistake... mistakes) {
            return new Example(args, List.of(mistakes), false);
        }
    }

    private static final String UNKNOWN_OPTION = "--no-such-option";

    private final Function<List<String>, Run> paddock;
    private final String unreachableUrl;

    /**
     * @param paddock runs a whole command line (verb words first) against the test server
     * @param unreachableUrl a server URL nothing answers at
     */
    CliContract(Function<List<String>, Run> paddock, String unreachableUrl) {
        this.paddock = paddock;
        this.unreachableUrl = unreachableUrl;
    }

    /** Every command that does something itself (a {@link Callable}), under {@code root}; picocli's help is not ours. */
    static List<CommandLine> verbs(CommandLine root) {
        return commands(root).filter(c -> c.getCommandSpec().userObject() instanceof Callable<?>).toList();
    }

    /** Commands that only group verbs: run bare, they must say which verb to name. */
    static List<CommandLine> groups(CommandLine root) {
        return commands(root).filter(c -> !(c.getCommandSpec().userObject() instanceof Callable<?>))
                .filter(c -> !c.getSubcommands().isEmpty()).toList();
    }

    private static Stream<CommandLine> commands(CommandLine parent) {
        return new LinkedHashSet<>(parent.getSubcommands().values()).stream()
                .filter(c -> !(c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand))
                .flatMap(c -> Stream.concat(Stream.of(c), commands(c)));
    }

    /** The words that name a command under its root: {@code "vm create"}. */
    static String name(CommandLine command) {
        String qualified = command.getCommandSpec().qualifiedName();
        return qualified.substring(qualified.indexOf(' ') + 1);
    }

    /** Verbs the walk finds that the table lacks, and table entries no verb answers to, one sentence each. */
    static List<String> unmatched(CommandLine root, Map<String, Example> examples, String table) {
        List<String> found = verbs(root).stream().map(CliContract::name).toList();
        List<String> sentences = new ArrayList<>();
        found.stream().filter(verb -> !examples.containsKey(verb)).forEach(verb -> sentences.add("'"
                + root.getCommandName() + " " + verb + "' has no example: add an entry \"" + verb + "\" to " + table
                + " with arguments that run it against the test server and the mistakes it must answer."));
        examples.keySet().stream().filter(verb -> !found.contains(verb)).sorted().forEach(verb -> sentences.add(
                table + " has an example for \"" + verb + "\", which is no verb of '" + root.getCommandName()
                        + "': remove it."));
        return sentences;
    }

    /** Every way {@code verb} breaks the contract, one sentence each; empty when it keeps it. */
    List<String> violations(CommandLine verb, Example example) {
        List<String> words = Arrays.asList(name(verb).split(" "));
        List<String> args = example.args().get();
        List<String> violations = new ArrayList<>();
        if (example.succeeds() && verb.getCommandSpec().findOption("--output") != null) {
            json(concat(words, args, List.of("-o", "json"))).ifPresent(violations::add);
        }
        List<Mistake> mistakes = new ArrayList<>();
        mistakes.add(Mistake.of("an unknown option", ExitCode.USAGE, UNKNOWN_OPTION));
        if (verb.getCommandSpec().findOption("--server") != null) {
            mistakes.add(new Mistake("an unreachable server", concat(args, List.of("--server", unreachableUrl)),
                    ExitCode.UNREACHABLE));
        }
        mistakes.addAll(example.mistakes());
        for (Mistake mistake : mistakes) {
            answer(concat(words, mistake.args()), mistake).ifPresent(violations::add);
        }
        return violations;
    }

    /** A group run bare must be a usage error in one sentence. */
    List<String> violations(CommandLine group) {
        Mistake bare = Mistake.of("no verb", ExitCode.USAGE);
        return answer(Arrays.asList(name(group).split(" ")), bare).stream().toList();
    }

    private Optional<String> json(List<String> line) {
        Run run = paddock.apply(line);
        String shown = "'paddock " + String.join(" ", line) + "'";
        if (run.status() != 0) {
            return Optional.of(shown + " exited " + run.status() + " instead of printing JSON: "
                    + firstLine(run.err()));
        }
        try {
            JsonNode node = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(run.out());
            if (node == null || node.isMissingNode()) {
                return Optional.of(shown + " printed nothing; it should print its result as JSON.");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(shown + " printed something that is not JSON (it starts \""
                    + firstLine(run.out()) + "\"); print the result with the root's printJson when -o json is given.");
        }
    }

    private Optional<String> answer(List<String> line, Mistake mistake) {
        Run run = paddock.apply(line);
        String shown = "'paddock " + String.join(" ", line) + "' (" + mistake.what() + ")";
        if (run.status() != mistake.status().code()) {
            return Optional.of(shown + " exited " + run.status() + ", not " + mistake.status().code() + " ("
                    + mistake.status().meaning() + "); stderr: " + firstLine(run.err()));
        }
        return oneSentence(run.err()) ? Optional.empty() : Optional.of(shown
                + " must print one sentence on stderr, starting 'paddock: ' and with no stack trace, but printed: "
                + run.err().strip().replace("\n", "\\n"));
    }

    /** One line, one sentence of ours: no trace, no exception's class name. */
    static boolean oneSentence(String err) {
        String text = err.strip();
        return !text.contains("\n") && text.startsWith("paddock: ") && text.endsWith(".")
                && !text.contains("Exception") && !text.contains("\tat ");
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }
}
