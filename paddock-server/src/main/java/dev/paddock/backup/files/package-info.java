/**
 * File-level restore: the files of a restore point's disk listed and extracted without restoring the disk, as
 * read-only readers in Java over {@link dev.paddock.backup.DiskReader} (no root, no mount, no helper VM).
 * <pre>
 * DiskReader ─▶ Region (bounds-checked span) ─▶ PartitionTable: GPT | MBR + logical | whole disk
 *     ─▶ Magic: FAT | ext | named refusal (xfs, NTFS, LVM, swap…) ─▶ FatFileSystem | ExtFileSystem
 *     ─▶ FileBrowser: partitions, entry, list, extract (paths walked here; links shown, never followed)
 * </pre>
 */
package dev.paddock.backup.files;
