package dev.paddock.storage;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.NfsExport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NFS exports reached from the server: libnfs (the library QEMU's own NFS client is built on, Debian's
 * {@code libnfs13}) through JNA for sizes, listing, removal and the bytes of an uploaded file, and {@code qemu-img}
 * on {@code nfs://} URLs for new images, linked clones, copies and what an image holds, so that an image is made by
 * the same code that will open it. libnfs-utils has no tool that removes a file or reports free space, hence the
 * library.
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
    /** A full copy of a large image over NFS takes its time; one that overruns a day is stuck. */
    private static final long COPY_TIMEOUT_S = 24 * 3600;
    private static final int O_WRONLY = 01;
    private static final int O_EXCL = 0200;
    private static final int WRITE_CHUNK = 1 << 20;
    /** qemu-img convert -p: "    (42.17/100%)". */
    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+(?:\\.\\d+)?)/100%\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

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

        /** Opens a new file; {@code flags} as open(2)'s, O_CREAT implied. */
        int nfs_create(Pointer context, String path, int flags, int mode, PointerByReference file);

        /** libnfs 4's order: the count, then the bytes (libnfs 6 swapped them). */
        int nfs_write(Pointer context, Pointer file, long count, byte[] bytes);

        int nfs_close(Pointer context, Pointer file);

        int nfs_rename(Pointer context, String from, String to);
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
        qemuImg("create " + url, QEMU_IMG_TIMEOUT_S, line -> { },
                "create", "-q", "-f", format, url, Long.toString(sizeBytes));
    }

    @Override
    public ImageFacts image(NfsExport export, String name) {
        String url = export.urlOf(name);
        StringBuilder json = new StringBuilder();
        qemuImg("read " + url, QEMU_IMG_TIMEOUT_S, json::append, "info", "--output=json", url);
        try {
            JsonNode info = JSON.readTree(json.toString());
            return new ImageFacts(info.path("format").asText(""), info.path("virtual-size").asLong(),
                    Optional.ofNullable(info.get("backing-filename")).map(JsonNode::asText));
        } catch (IOException e) {
            throw new NfsException("qemu-img info on " + url + " answered no JSON: " + e.getMessage() + ".");
        }
    }

    @Override
    public void layer(NfsExport export, String name, String over, String overFormat, long sizeBytes) {
        String url = export.urlOf(name);
        qemuImg("create " + url, QEMU_IMG_TIMEOUT_S, line -> { }, "create", "-q", "-f", "qcow2", "-b", export.urlOf(over),
                "-F", overFormat, url, Long.toString(sizeBytes));
    }

    @Override
    public void resize(NfsExport export, String name, String format, long sizeBytes) {
        String url = export.urlOf(name);
        qemuImg("grow " + url, QEMU_IMG_TIMEOUT_S, line -> { }, "resize", "-q", "-f", format, url,
                Long.toString(sizeBytes));
    }

    @Override
    public void copy(NfsExport export, String name, String from, String format, long sizeBytes,
            DoubleConsumer progress) {
        String partial = "." + name + ".part";
        delete(export, partial);
        String url = export.urlOf(partial);
        try {
            qemuImg("copy " + export.urlOf(from) + " to " + export.urlOf(name), COPY_TIMEOUT_S, line -> {
                Matcher done = PROGRESS.matcher(line);
                if (done.find()) {
                    progress.accept(Double.parseDouble(done.group(1)) / 100);
                }
            }, "convert", "-p", "-O", format, export.urlOf(from), url);
            if (image(export, partial).virtualBytes() < sizeBytes) {
                resize(export, partial, format, sizeBytes);
            }
            mounted(export, "rename " + partial + " in", (libnfs, context) -> {
                check(libnfs, context, libnfs.nfs_rename(context, "/" + partial, "/" + name), export,
                        "name the copy " + name + " in");
                return null;
            });
        } catch (RuntimeException e) {
            delete(export, partial);
            throw e;
        }
    }

    @Override
    public void write(NfsExport export, String name, long length, InputStream body) throws IOException {
        IOException[] unread = new IOException[1];
        boolean whole = mounted(export, "write " + name + " to", (libnfs, context) -> {
            PointerByReference file = new PointerByReference();
            check(libnfs, context, libnfs.nfs_create(context, "/" + name, O_WRONLY | O_EXCL, 0644, file), export,
                    "write " + name + " to");
            boolean written = false;
            try {
                written = writeAll(libnfs, context, file.getValue(), length, body, export, name);
            } catch (IOException e) {
                unread[0] = e;
            } finally {
                int closed = libnfs.nfs_close(context, file.getValue());
                if (!written || closed < 0) {
                    libnfs.nfs_unlink(context, "/" + name);
                }
                if (written) {
                    check(libnfs, context, closed, export, "write " + name + " to");
                }
            }
            return written;
        });
        if (unread[0] != null) {
            throw unread[0];
        }
        if (!whole) {
            throw new IOException("the body ended before its " + length + " bytes");
        }
    }

    /** False when the body ends early; an NFS error removes nothing itself: the caller unlinks. */
    private static boolean writeAll(Libnfs libnfs, Pointer context, Pointer file, long length, InputStream body,
            NfsExport export, String name) throws IOException {
        byte[] buffer = new byte[WRITE_CHUNK];
        long left = length;
        while (left > 0) {
            int read = body.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
            if (read == 0) {
                return false;
            }
            byte[] chunk = read == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, read);
            int offset = 0;
            while (offset < read) {
                byte[] rest = offset == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, offset, read);
                int wrote = libnfs.nfs_write(context, file, rest.length, rest);
                check(libnfs, context, wrote, export, "write " + name + " to");
                if (wrote == 0) {
                    throw new NfsException("Cannot write " + name + " to NFS export " + export.key()
                            + ": the server took no bytes.");
                }
                offset += wrote;
            }
            left -= read;
        }
        return true;
    }

    /**
     * Runs qemu-img with {@code arguments}, handing each line it prints (a progress line ends with a carriage
     * return) to {@code lines}; one that fails is an {@link NfsException} with what it said (progress left out), one
     * that overruns {@code timeoutSeconds} is killed and one too.
     */
    private static void qemuImg(String doing, long timeoutSeconds, Consumer<String> lines, String... arguments) {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(arguments));
        StringBuilder said = new StringBuilder();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            java.util.concurrent.atomic.AtomicBoolean overran = new java.util.concurrent.atomic.AtomicBoolean();
            // Reading waits for qemu-img's output to end: a stuck qemu-img is killed from beside, which ends it.
            Thread watch = Thread.ofVirtual().start(() -> {
                try {
                    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                        overran.set(true);
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder line = new StringBuilder();
                for (int c = out.read(); c >= 0; c = out.read()) {
                    if (c == '\r' || c == '\n') {
                        said(line.toString(), lines, said);
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
                said(line.toString(), lines, said);
            }
            int exit = process.waitFor();
            watch.interrupt();
            if (overran.get()) {
                throw new NfsException("qemu-img did not " + doing + " within " + timeoutSeconds + " s.");
            }
            if (exit != 0) {
                throw new NfsException("qemu-img could not " + doing + ": " + said.toString().strip() + ".");
            }
        } catch (IOException e) {
            throw new NfsException("Cannot run qemu-img to " + doing + " (Debian package qemu-utils, with"
                    + " qemu-block-extra for NFS): " + e.getMessage() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NfsException("Interrupted while qemu-img was to " + doing + ".");
        }
    }

    private static void said(String line, Consumer<String> lines, StringBuilder said) {
        lines.accept(line);
        if (!line.isBlank() && !PROGRESS.matcher(line).find()) {
            said.append(said.isEmpty() ? "" : " ").append(line.strip());
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
