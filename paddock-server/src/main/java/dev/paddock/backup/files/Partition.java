package dev.paddock.backup.files;

import java.util.Optional;

/**
 * A partition of a backed-up disk, or the whole disk when it has no partition table (number 0). {@code offset} and
 * {@code length} are in bytes; {@code type} is what the partition table says (an MBR type, a GPT type GUID's name);
 * {@code label} a GPT partition's name; {@code fileSystem} what its first sectors hold ({@code fat16}, {@code ext4},
 * {@code xfs}, {@code LVM physical volume}, {@code unknown}…). {@code refusal} says, when present, why its files
 * cannot be browsed; a partition without one can be listed and its files extracted.
 */
public record Partition(int number, long offset, long length, String type, Optional<String> label, String fileSystem,
                        Optional<String> refusal) {

    public boolean browsable() {
        return refusal.isEmpty();
    }
}
