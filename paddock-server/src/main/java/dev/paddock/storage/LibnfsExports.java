package dev.paddock.storage;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.NfsExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * NFS exports reached from the server: libnfs (the library QEMU's own NFS client is built on, Debian's
 * {@code libnfs13}) through JNA for sizes, listing and removal, and {@code qemu-img create} on an {@code nfs://} URL
 * for new images, so that an image is made by the same code that will open it. libnfs-utils has no tool that
 * removes a file or reports free space, hence the library.
 *
 * <p>Each call mounts the export in a context of its own (NFSv3: libnfs writes fail over v4), does its one thing and
 * drops the context: calls share nothing, and a server that went away costs one failed call.
 */
public final class LibnfsExports implements NfsExports {

    /** How long one NFS call may wait for the server. */
    private static final int TIMEOUT_MS = 10_000;
    private static final int ENOENT = 2;
    /** NF3REG, a regular file, in {@code struct nfsdirent}'s type. */
    private static final int REGULAR = 1;
    private static final long QEMU_IMG_TIMEOUT_S = 120;

    /** The part of libnfs 4's synchronous API Paddock uses. */
    interface Libnfs extends Library {
        Pointer nfs_init_context();

        void nfs_destroy_context(Pointer context);

        String nfs_get_error(Pointer context);

        int nfs_set_version(Pointer context, int version);

        void nfs_set_timeout(Pointer context, int milliseconds);

        int nfs_mount(Pointer context, String server, String export);

        /** Fills {@code struct nfs_statvfs_64}: eleven uint64, f_frsize second, f_blocks third, f_bavail fifth. */
        int nfs_statvfs64(Pointer context, String path, Pointer statvfs);

        /** Fills {@code struct nfs_stat_64}: seventeen uint64, nfs_size eighth, nfs_used last. */
        int nfs_stat64(Pointer context, String path, Pointer stat);

        int nfs_unlink(Pointer context, String path);

        int nfs_opendir(Pointer context, String path, PointerByReference directory);

        /** {@code struct nfsdirent}: next, name, inode, then uint32 type. */
        Pointer nfs_readdir(Pointer context, Pointer directory);

        void nfs_closedir(Pointer context, Pointer directory);
    }

    /** Loaded on first use, so a server that never meets an NFS datastore needs no libnfs. */
    private static final class Loaded {
        static final Libnfs LIBNFS = load();

        private static Libnfs load() {
            try {
                return Native.load("libnfs.so.13", Libnfs.class);
            } catch (UnsatisfiedLinkError versioned) {
                return Native.load("nfs", Libnfs.class);
            }
        }
    }

    @Override
    public Usage usage(NfsExport export) {
        return mounted(export, "read the size of", (libnfs, context) -> {
            Memory statvfs = new Memory(11 * Long.BYTES);
            check(libnfs, context, libnfs.nfs_statvfs64(context, "/", statvfs), export, "read the size of");
            long fragment = statvfs.getLong(Long.BYTES);
            long capacity = fragment * statvfs.getLong(2L * Long.BYTES);
            long available = fragment * statvfs.getLong(4L * Long.BYTES);
            return new Usage(capacity, Math.min(available, capacity));
        });
    }

    @Override
    public List<VolumeFacts> files(NfsExport export) {
        return mounted(export, "list", (libnfs, context) -> {
            PointerByReference directory = new PointerByReference();
            check(libnfs, context, libnfs.nfs_opendir(context, "/", directory), export, "list");
            List<String> names = new ArrayList<>();
            try {
                for (Pointer entry = libnfs.nfs_readdir(context, directory.getValue()); entry != null;
                        entry = libnfs.nfs_readdir(context, directory.getValue())) {
                    String name = entry.getPointer(Long.BYTES).getString(0, StandardCharsets.UTF_8.name());
                    if (entry.getInt(3L * Long.BYTES) == REGULAR && !name.startsWith(".")) {
                        names.add(name);
                    }
                }
            } finally {
                libnfs.nfs_closedir(context, directory.getValue());
            }
            List<VolumeFacts> files = new ArrayList<>();
            for (String name : names) {
                stat(libnfs, context, export, name).ifPresent(files::add);
            }
            files.sort(Comparator.comparing(VolumeFacts::name));
            return files;
        });
    }

    @Override
    public Optional<VolumeFacts> file(NfsExport export, String name) {
        return mounted(export, "read", (libnfs, context) -> stat(libnfs, context, export, name));
    }

    @Override
    public boolean delete(NfsExport export, String name) {
        return mounted(export, "remove " + name + " from", (libnfs, context) -> {
            int result = libnfs.nfs_unlink(context, "/" + name);
            if (result == -ENOENT) {
                return false;
            }
            check(libnfs, context, result, export, "remove " + name + " from");
            return true;
        });
    }

    @Override
    public void create(NfsExport export, String name, String format, long sizeBytes) {
        String url = export.urlOf(name);
        List<String> command = List.of("qemu-img", "create", "-q", "-f", format, url, Long.toString(sizeBytes));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(QEMU_IMG_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NfsException("qemu-img did not create " + url + " within " + QEMU_IMG_TIMEOUT_S + " s.");
            }
            if (process.exitValue() != 0) {
                throw new NfsException("qemu-img could not create " + url + ": "
                        + new String(output, StandardCharsets.UTF_8).strip().replace('\n', ' '));
            }
        } catch (IOException e) {
            throw new NfsException("Cannot run qemu-img to create " + url + " (Debian package qemu-utils, with"
                    + " qemu-block-extra for NFS): " + e.getMessage() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NfsException("Interrupted while qemu-img created " + url + ".");
        }
    }

    private static Optional<VolumeFacts> stat(Libnfs libnfs, Pointer context, NfsExport export, String name) {
        Memory stat = new Memory(17 * Long.BYTES);
        int result = libnfs.nfs_stat64(context, "/" + name, stat);
        if (result == -ENOENT) {
            return Optional.empty();
        }
        check(libnfs, context, result, export, "read " + name + " in");
        long size = stat.getLong(7L * Long.BYTES);
        long used = stat.getLong(16L * Long.BYTES);
        return Optional.of(new VolumeFacts(name, export.urlOf(name), export.fileOf(name), formatOf(name), size, used,
                Optional.empty()));
    }

    /** The format a file's name gives; what is inside is qemu-img's to say, and listing does not open files. */
    static String formatOf(String name) {
        if (name.endsWith(".qcow2")) {
            return "qcow2";
        }
        return name.endsWith(".raw") || name.endsWith(".img") ? "raw" : "";
    }

    private interface Call<T> {
        T on(Libnfs libnfs, Pointer context);
    }

    private static <T> T mounted(NfsExport export, String doing, Call<T> call) {
        Libnfs libnfs = libnfs(export, doing);
        Pointer context = libnfs.nfs_init_context();
        if (context == null) {
            throw new NfsException("Cannot " + doing + " NFS export " + export.key() + ": libnfs made no context.");
        }
        try {
            libnfs.nfs_set_version(context, 3);
            libnfs.nfs_set_timeout(context, TIMEOUT_MS);
            check(libnfs, context, libnfs.nfs_mount(context, export.server(), export.path()), export, doing);
            return call.on(libnfs, context);
        } finally {
            libnfs.nfs_destroy_context(context);
        }
    }

    private static Libnfs libnfs(NfsExport export, String doing) {
        try {
            return Loaded.LIBNFS;
        } catch (LinkageError e) {
            throw new NfsException("Cannot " + doing + " NFS export " + export.key() + ": libnfs (Debian package"
                    + " libnfs13) is not installed on the Paddock server.");
        }
    }

    private static void check(Libnfs libnfs, Pointer context, int result, NfsExport export, String doing) {
        if (result < 0) {
            String error = Optional.ofNullable(libnfs.nfs_get_error(context)).orElse("error " + result);
            throw new NfsException("Cannot " + doing + " NFS export " + export.key() + ": " + error + ".");
        }
    }
}
