package dev.paddock.backup.files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Reads a disk's partition table: GPT (the primary header, or the backup one at the disk's end when the primary
 * does not check), MBR with primary partitions and the chain of logical ones in an extended partition (numbered from
 * 5, as Linux does), or none: a disk without the MBR signature, or whose table is empty or not plausible, is one
 * whole "partition" numbered 0.
 *
 * <p>Both tables are checked before they are believed: an MBR whose entries are not plausible is not a table (a
 * FAT boot sector also ends in 55 AA, with zeros or boot code where the entries would be, so a FAT boot sector is a
 * table only if its entries are plausible and lie on the disk), a GPT header or entry array whose CRC32 does not
 * match is not read, and the logical partitions' chain may not loop.
 */
final class PartitionTable {

    /** An entry of the table: where it is and what the table calls it, before anyone looks inside. */
    record Slot(int number, long offset, long length, String type, Optional<String> label) {}

    private static final int SECTOR = 512;
    private static final int MAX_LOGICAL = 128;
    private static final int MAX_GPT_ENTRY_BYTES = 4 << 20;

    private static final Map<Integer, String> MBR_TYPES = Map.ofEntries(
            Map.entry(0x01, "FAT12"), Map.entry(0x04, "FAT16 (small)"), Map.entry(0x06, "FAT16"),
            Map.entry(0x07, "NTFS or exFAT"), Map.entry(0x0b, "FAT32"), Map.entry(0x0c, "FAT32 (LBA)"),
            Map.entry(0x0e, "FAT16 (LBA)"), Map.entry(0x11, "hidden FAT12"), Map.entry(0x14, "hidden FAT16 (small)"),
            Map.entry(0x16, "hidden FAT16"), Map.entry(0x1b, "hidden FAT32"), Map.entry(0x1c, "hidden FAT32 (LBA)"),
            Map.entry(0x1e, "hidden FAT16 (LBA)"), Map.entry(0x27, "Windows recovery"), Map.entry(0x82, "Linux swap"),
            Map.entry(0x83, "Linux"), Map.entry(0x8e, "Linux LVM"), Map.entry(0xa5, "FreeBSD"),
            Map.entry(0xef, "EFI system"), Map.entry(0xfd, "Linux RAID"));

    private static final Map<String, String> GPT_TYPES = Map.ofEntries(
            Map.entry("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI system"),
            Map.entry("21686148-6449-6E6F-744E-656564454649", "BIOS boot"),
            Map.entry("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"),
            Map.entry("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"),
            Map.entry("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery"),
            Map.entry("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"),
            Map.entry("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"),
            Map.entry("933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home"),
            Map.entry("BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot"),
            Map.entry("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"),
            Map.entry("E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"),
            Map.entry("A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"));

    private PartitionTable() {}

    static List<Slot> read(Region disk) {
        Slot whole = new Slot(0, 0, disk.length(), "whole disk (no partition table)", Optional.empty());
        if (disk.length() < SECTOR) {
            return List.of(whole);
        }
        ByteBuffer mbr = disk.buffer(0, SECTOR, "the master boot record");
        if ((mbr.get(510) & 0xff) != 0x55 || (mbr.get(511) & 0xff) != 0xaa) {
            return List.of(whole);
        }
        List<MbrEntry> entries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Optional<MbrEntry> entry = MbrEntry.at(mbr, 446 + 16 * i);
            if (entry.isEmpty()) {
                return List.of(whole);
            }
            entries.add(entry.get());
        }
        if (entries.stream().anyMatch(entry -> entry.type() == 0xee)) {
            return gpt(disk);
        }
        // a FAT boot sector ends in 55 AA too, with zeros or boot code where a table would be
        List<MbrEntry> used = entries.stream().filter(entry -> entry.type() != 0 && entry.sectors() != 0).toList();
        if (used.isEmpty() || (Magic.bootSector(mbr)
                && used.stream().anyMatch(entry -> (entry.start() + entry.sectors()) * SECTOR > disk.length()))) {
            return List.of(whole);
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MbrEntry entry = entries.get(i);
            if (entry.type() == 0 || entry.sectors() == 0) {
                continue;
            }
            if (entry.extended()) {
                slots.addAll(logical(disk, entry.start()));
            } else {
                slots.add(new Slot(i + 1, entry.start() * SECTOR, entry.sectors() * SECTOR, mbrType(entry.type()),
                        Optional.empty()));
            }
        }
        return slots;
    }

    /** The logical partitions: a chain of extended boot records, each holding one partition and the next link. */
    private static List<Slot> logical(Region disk, long extendedStart) {
        List<Slot> slots = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long ebr = extendedStart;
        while (true) {
            if (!seen.add(ebr) || slots.size() >= MAX_LOGICAL) {
                throw new FileRestoreException.Corrupt("the chain of logical partitions in the extended partition at"
                        + " sector " + extendedStart + " loops (it comes back to sector " + ebr + ")");
            }
            ByteBuffer record = disk.buffer(ebr * SECTOR, SECTOR, "the extended boot record at sector " + ebr);
            if ((record.get(510) & 0xff) != 0x55 || (record.get(511) & 0xff) != 0xaa) {
                throw new FileRestoreException.Corrupt("the extended boot record at sector " + ebr
                        + " has no 55 AA signature");
            }
            Optional<MbrEntry> partition = MbrEntry.at(record, 446);
            Optional<MbrEntry> next = MbrEntry.at(record, 462);
            if (partition.isEmpty() || next.isEmpty()) {
                throw new FileRestoreException.Corrupt("the extended boot record at sector " + ebr
                        + " holds entries no table has");
            }
            if (partition.get().type() != 0 && partition.get().sectors() != 0) {
                slots.add(new Slot(5 + slots.size(), (ebr + partition.get().start()) * SECTOR,
                        partition.get().sectors() * SECTOR, mbrType(partition.get().type()), Optional.empty()));
            }
            if (!next.get().extended() || next.get().start() == 0) {
                return slots;
            }
            ebr = extendedStart + next.get().start();
        }
    }

    private static List<Slot> gpt(Region disk) {
        String primaryProblem = "";
        for (int sector : new int[] {SECTOR, 4096}) {
            if (!disk.inside(sector, sector)) {
                continue;
            }
            Optional<Gpt> primary = Gpt.header(disk, sector, sector);
            if (primary.isPresent() && primary.get().problem().isEmpty()) {
                return primary.get().slots(disk);
            }
            if (primary.isPresent()) {
                primaryProblem = primary.get().problem();
                Optional<Gpt> backup = Gpt.header(disk, disk.length() - sector, sector);
                if (backup.isPresent() && backup.get().problem().isEmpty()) {
                    return backup.get().slots(disk);
                }
            }
        }
        throw new FileRestoreException.Corrupt(primaryProblem.isEmpty()
                ? "the disk's MBR announces a GPT (type EE) but there is no GPT header at sector 1"
                : "the disk's GPT does not read: " + primaryProblem + ", and the backup header does not read either");
    }

    private static String mbrType(int type) {
        return MBR_TYPES.getOrDefault(type, "MBR type " + String.format("%02x", type));
    }

    private record MbrEntry(int status, int type, long start, long sectors) {

        /** An entry, or empty when its boot flag is neither 00 nor 80 or a used entry starts at sector 0. */
        static Optional<MbrEntry> at(ByteBuffer sector, int at) {
            ByteBuffer le = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int status = le.get(at) & 0xff;
            int type = le.get(at + 4) & 0xff;
            long start = Integer.toUnsignedLong(le.getInt(at + 8));
            long sectors = Integer.toUnsignedLong(le.getInt(at + 12));
            if ((status != 0 && status != 0x80) || (type != 0 && sectors != 0 && start == 0)) {
                return Optional.empty();
            }
            return Optional.of(new MbrEntry(status, type, start, sectors));
        }

        boolean extended() {
            return type == 0x05 || type == 0x0f || type == 0x85;
        }
    }

    /** A GPT header at {@code at}: its entries' place, or the reason it is not believed. */
    private record Gpt(int sector, long entriesLba, int count, int entrySize, int entriesCrc, String problem) {

        /** Empty when there is no "EFI PART" signature at all. */
        static Optional<Gpt> header(Region disk, long at, int sector) {
            if (!disk.inside(at, sector)) {
                return Optional.empty();
            }
            ByteBuffer header = disk.buffer(at, sector, "the GPT header");
            byte[] signature = new byte[8];
            header.get(0, signature);
            if (!new String(signature, StandardCharsets.US_ASCII).equals("EFI PART")) {
                return Optional.empty();
            }
            int size = header.getInt(12);
            if (size < 92 || size > sector) {
                return Optional.of(invalid(sector, "its header size is " + size));
            }
            byte[] bytes = new byte[size];
            header.get(0, bytes);
            Arrays.fill(bytes, 16, 20, (byte) 0);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if ((int) crc.getValue() != header.getInt(16)) {
                return Optional.of(invalid(sector, "its header's CRC32 does not match"));
            }
            long entriesLba = header.getLong(72);
            int count = header.getInt(80);
            int entrySize = header.getInt(84);
            if (count < 0 || entrySize < 128 || entrySize % 8 != 0 || (long) count * entrySize > MAX_GPT_ENTRY_BYTES) {
                return Optional.of(invalid(sector, "it claims " + Integer.toUnsignedString(count) + " entries of "
                        + entrySize + " bytes"));
            }
            return Optional.of(new Gpt(sector, entriesLba, count, entrySize, header.getInt(88), ""));
        }

        private static Gpt invalid(int sector, String problem) {
            return new Gpt(sector, 0, 0, 0, 0, problem);
        }

        List<Slot> slots(Region disk) {
            int bytes = count * entrySize;
            if (entriesLba <= 0 || !disk.inside(entriesLba * sector, bytes)) {
                throw new FileRestoreException.Corrupt("the GPT's entries at sector " + entriesLba
                        + " lie outside the disk");
            }
            ByteBuffer entries = disk.buffer(entriesLba * sector, bytes, "the GPT's entries");
            CRC32 crc = new CRC32();
            crc.update(entries.duplicate());
            if ((int) crc.getValue() != entriesCrc) {
                throw new FileRestoreException.Corrupt("the GPT's entry array's CRC32 does not match its header");
            }
            List<Slot> slots = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int at = i * entrySize;
                String type = guid(entries, at);
                if (type.equals("00000000-0000-0000-0000-000000000000")) {
                    continue;
                }
                long first = entries.getLong(at + 32);
                long last = entries.getLong(at + 40);
                if (first <= 0 || last < first || last > Long.MAX_VALUE / sector - 1) {
                    throw new FileRestoreException.Corrupt("GPT entry " + (i + 1) + " runs from sector " + first
                            + " to sector " + last);
                }
                byte[] name = new byte[72];
                entries.get(at + 56, name);
                String label = new String(name, StandardCharsets.UTF_16LE);
                int end = label.indexOf('\0');
                label = end < 0 ? label : label.substring(0, end);
                slots.add(new Slot(i + 1, first * sector, (last - first + 1) * sector,
                        GPT_TYPES.getOrDefault(type, "GPT type " + type),
                        label.isEmpty() ? Optional.empty() : Optional.of(label)));
            }
            return slots;
        }

        /** A GUID as written: its first three fields are stored little-endian, the last two big-endian. */
        private static String guid(ByteBuffer entries, int at) {
            ByteBuffer le = entries.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            StringBuilder text = new StringBuilder(String.format("%08X-%04X-%04X-", le.getInt(at),
                    le.getShort(at + 4) & 0xffff, le.getShort(at + 6) & 0xffff));
            for (int i = 8; i < 16; i++) {
                text.append(String.format("%02X", entries.get(at + i) & 0xff));
                if (i == 9) {
                    text.append('-');
                }
            }
            return text.toString();
        }
    }
}
