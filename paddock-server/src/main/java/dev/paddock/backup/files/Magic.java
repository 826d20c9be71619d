package dev.paddock.backup.files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What a partition holds, told by the signatures its first sectors carry, whatever the partition table calls it:
 * FAT and ext, which Paddock reads, and the common others (xfs, NTFS, exFAT, btrfs, LVM, LUKS, Linux RAID, swap),
 * which it names in its refusal.
 */
final class Magic {

    /** What was found: {@code kind} says which reader opens it; {@code name} is what a user is told. */
    record Found(Kind kind, String name) {}

    enum Kind { FAT, EXT, FOREIGN, UNKNOWN }

    /** A signature of a format Paddock does not read: {@code text} at byte {@code offset}. */
    private record Foreign(String name, long offset, byte[] text) {
        Foreign(String name, long offset, String text) {
            this(name, offset, text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static final List<Foreign> FOREIGN = List.of(
            new Foreign("xfs", 0, "XFSB"),
            new Foreign("NTFS", 3, "NTFS    "),
            new Foreign("exFAT", 3, "EXFAT   "),
            new Foreign("LUKS encrypted volume", 0, "LUKS\u00ba\u00be"),
            new Foreign("LVM physical volume", 512, "LABELONE"),
            new Foreign("btrfs", 0x10040, "_BHRfS_M"),
            new Foreign("Linux RAID member", 4096, "\u00fcN+\u00a9"),
            new Foreign("Linux swap", 4086, "SWAPSPACE2"),
            new Foreign("Linux swap", 4086, "SWAP-SPACE"),
            new Foreign("ISO 9660", 0x8001, "CD001"));

    private Magic() {}

    static Found identify(Region region) {
        if (region.inside(0, 512) && bootSector(region.buffer(0, 512, "the boot sector"))) {
            return new Found(Kind.FAT, "fat");
        }
        if (region.inside(1024, 1024) && (region.buffer(1024 + 56, 2, "the ext superblock").getShort(0) & 0xffff)
                == ExtFileSystem.MAGIC) {
            return new Found(Kind.EXT, "ext");
        }
        for (Foreign format : FOREIGN) {
            if (region.inside(format.offset(), format.text().length)
                    && Arrays.equals(region.bytes(format.offset(), format.text().length, format.name()),
                    format.text())) {
                return new Found(Kind.FOREIGN, format.name());
            }
        }
        return new Found(Kind.UNKNOWN, "unknown");
    }

    /**
     * Whether a first sector is a FAT boot sector: a jump instruction and a BIOS parameter block whose fields all
     * hold values a FAT allows (NTFS's and exFAT's fail: they declare no FATs).
     */
    static boolean bootSector(ByteBuffer sector) {
        ByteBuffer le = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int jump = le.get(0) & 0xff;
        if (jump != 0xeb && jump != 0xe9) {
            return false;
        }
        int bytesPerSector = le.getShort(11) & 0xffff;
        int sectorsPerCluster = le.get(13) & 0xff;
        int reserved = le.getShort(14) & 0xffff;
        int fats = le.get(16) & 0xff;
        int rootEntries = le.getShort(17) & 0xffff;
        long total = (le.getShort(19) & 0xffff) != 0 ? le.getShort(19) & 0xffff : Integer.toUnsignedLong(le.getInt(32));
        int media = le.get(21) & 0xff;
        long fatSectors = (le.getShort(22) & 0xffff) != 0 ? le.getShort(22) & 0xffff
                : Integer.toUnsignedLong(le.getInt(36));
        boolean fat32 = (le.getShort(22) & 0xffff) == 0;
        return Integer.bitCount(bytesPerSector) == 1 && bytesPerSector >= 512 && bytesPerSector <= 4096
                && Integer.bitCount(sectorsPerCluster) == 1 && reserved >= 1 && fats >= 1 && fats <= 4
                && total > 0 && fatSectors > 0 && (media == 0xf0 || media >= 0xf8)
                && (!fat32 || rootEntries == 0);
    }
}
