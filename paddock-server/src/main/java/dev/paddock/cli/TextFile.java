package dev.paddock.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A text file a verb sends: read whole, or a sentence and {@link ExitCode#REJECTED} when it cannot be. */
final class TextFile {

    private TextFile() {}

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.REJECTED, "cannot read " + file + ": no such file.");
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.REJECTED, file + " is not UTF-8 text.");
        } catch (IOException e) {
            throw new CliException(ExitCode.REJECTED, "cannot read " + file + ": " + e.getMessage() + ".");
        }
    }
}
