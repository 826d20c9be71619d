package dev.paddock.backup.nbd;

import java.io.IOException;

/**
 * What an NBD server refused or answered wrongly, as one sentence that names the server, the export and the reason
 * (the option or command, and the server's error by name). Network failures stay plain {@link IOException}s.
 */
public final class NbdException extends IOException {

    NbdException(String message) {
        super(message);
    }

    /** The name of an NBD error code on the wire (errno values, fixed by the protocol). */
    static String errorName(int code) {
        return switch (code) {
            case 1 -> "EPERM (operation not permitted)";
            case 5 -> "EIO (input/output error)";
            case 12 -> "ENOMEM (out of memory)";
            case 22 -> "EINVAL (invalid argument)";
            case 28 -> "ENOSPC (no space left)";
            case 75 -> "EOVERFLOW (value too large)";
            case 95 -> "ENOTSUP (not supported)";
            case 108 -> "ESHUTDOWN (server is shutting down)";
            default -> "error " + code;
        };
    }

    /** The name of an option reply type that reports an error (its high bit set). */
    static String replyErrorName(int type) {
        return switch (type) {
            case 0x80000001 -> "NBD_REP_ERR_UNSUP (option not supported)";
            case 0x80000002 -> "NBD_REP_ERR_POLICY (forbidden by the server's policy)";
            case 0x80000003 -> "NBD_REP_ERR_INVALID (invalid request)";
            case 0x80000004 -> "NBD_REP_ERR_PLATFORM (not supported on the server's platform)";
            case 0x80000005 -> "NBD_REP_ERR_TLS_REQD (the server requires TLS)";
            case 0x80000006 -> "NBD_REP_ERR_UNKNOWN (no such export)";
            case 0x80000007 -> "NBD_REP_ERR_SHUTDOWN (server is shutting down)";
            case 0x80000008 -> "NBD_REP_ERR_BLOCK_SIZE_REQD (the server requires block size negotiation)";
            case 0x80000009 -> "NBD_REP_ERR_TOO_BIG (request too big)";
            case 0x8000000a -> "NBD_REP_ERR_EXT_HEADER_REQD (the server requires extended headers)";
            default -> "error reply " + Integer.toUnsignedString(type);
        };
    }
}
