package dev.paddock.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads a memory size in MiB: "2048", "2048M", "2G", "2GiB" (binary units). */
final class MemorySize implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([MGT]?)(?:I?B)?");

    @Override
    public Long convert(String value) {
        Matcher matcher = SIZE.matcher(value.trim().toUpperCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a memory size; write it in MiB (2048) or with a unit (2G, 512M)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "G" -> amount * 1024;
            case "T" -> amount * 1024 * 1024;
            default -> amount;
        };
    }
}
