/**
 * Reading a disk for a pull-mode backup: libvirt exports each disk over NBD with a dirty bitmap's metadata context,
 * and the server reads the export into the repository.
 * <pre>
 * NbdClient (handshake, structured replies, contexts, GO) ─▶ DirtyExtents: dirty ranges (bitmap), zero ranges
 *     (base:allocation) ─▶ ExportBackup: full (whole export, zeros unread) | changes (dirty ranges over the parent)
 *     ─▶ PointWriter
 * </pre>
 */
package dev.paddock.backup.nbd;
