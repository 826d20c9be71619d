/**
 * The backup repository: restore points of VMs as maps of content-addressed chunks in a directory (a datastore's),
 * deduplicated across VMs and points, compressed, checked on every read, optionally encrypted; verify, retention and
 * a prune that is safe beside writers and when killed. Its format and rules are in this package's README.md.
 * <pre>
 * disk stream | parent map + changed ranges ─▶ PointWriter: 4 MiB aligned chunks ─▶ ChunkCodec (name, zstd, seal)
 *     ─▶ ChunkStore (tmp, fsync, rename) ─▶ commit: manifest (tmp, fsync, rename) ─▶ BackupRepository.points()
 * BackupRepository.openDisk ─▶ DiskStream: chunk by chunk, each checked against its name
 * BackupRepository.openQcow2 ─▶ Qcow2Image: Qcow2Layout's metadata, then the extents' chunks, each checked
 * BackupRepository.reader ─▶ DiskReader: any byte range, each chunk checked ─▶ files.FileBrowser (file-level restore)
 * retain (engine Retention) ─▶ forget ─▶ prune (Prune: mark, set aside, look again, sweep)
 * </pre>
 */
package dev.paddock.backup;
