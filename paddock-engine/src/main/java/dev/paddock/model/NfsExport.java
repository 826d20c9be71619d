package dev.paddock.model;

import java.util.Locale;

/**
 * An NFS export that guests reach through QEMU's own NFS client and Paddock through libnfs, with no mount on any
 * host: the storage of a datastore of type {@value Datastore#NFS}.
 *
 * @param server the NFS server's address or name
 * @param path the export's absolute path on the server, without a trailing slash
 */
public record NfsExport(String server, String path) {

    public NfsExport {
        if (server == null || server.isBlank() || !server.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            throw new IllegalArgumentException("the NFS server must be a host name or address, not '" + server + "'");
        }
        if (path == null || !path.startsWith("/") || path.contains("//") || path.contains("/../")
                || path.endsWith("/..") || path.chars().anyMatch(c -> c < ' ' || c == '?' || c == '#')) {
            throw new IllegalArgumentException("the export must be an absolute path, not '" + path + "'");
        }
        server = server.toLowerCase(Locale.ROOT);
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
    }

    /** Reads {@link #key()} back. */
    public static NfsExport parse(String key) {
        if (!key.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not an NFS export: '" + key + "'");
        }
        String rest = key.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("not an NFS export: '" + key + "'");
        }
        return new NfsExport(rest.substring(0, slash), rest.substring(slash));
    }

    private static final String SCHEME = "nfs://";

    /**
     * What names this storage in a site, {@code nfs://server/path}: the same key a libvirt netfs pool over this
     * export has, so that one export is one datastore whichever way hosts reach it.
     */
    public String key() {
        return SCHEME + server + path;
    }

    /** The path on the server of the file {@code name} in the export's top directory. */
    public String fileOf(String name) {
        return (path.equals("/") ? "" : path) + "/" + name;
    }

    /** The URL of that file as qemu-img and libnfs read it. */
    public String urlOf(String name) {
        return SCHEME + server + fileOf(name);
    }

    /**
     * True for a name Paddock may give a file in the export: one path component of letters, digits, dot, dash
     * and underscore, not starting with a dot.
     */
    public static boolean isFileName(String name) {
        return name != null && name.matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");
    }
}
