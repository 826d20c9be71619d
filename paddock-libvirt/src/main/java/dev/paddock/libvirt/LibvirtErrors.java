package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.util.Locale;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/** Translates libvirt's error numbers into the port's {@link Reason}s, so callers never see libvirt types. */
final class LibvirtErrors {

    private LibvirtErrors() {}

    static HypervisorException translate(String what, LibvirtException e) {
        ErrorNumber code = e.getError() == null ? ErrorNumber.VIR_ERR_UNKNOWN : e.getError().getCode();
        String message = e.getError() == null ? String.valueOf(e.getMessage()) : e.getError().getMessage();
        return new HypervisorException(reason(code, message), what + ": " + message, e);
    }

    static Reason reason(ErrorNumber code, String message) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return switch (code) {
            case VIR_ERR_NO_DOMAIN, VIR_ERR_NO_NETWORK, VIR_ERR_NO_STORAGE_POOL, VIR_ERR_NO_STORAGE_VOL,
                    VIR_ERR_NO_DOMAIN_SNAPSHOT, VIR_ERR_NO_DOMAIN_CHECKPOINT, VIR_ERR_NO_DOMAIN_METADATA -> Reason.NOT_FOUND;
            case VIR_ERR_DOM_EXIST, VIR_ERR_NETWORK_EXIST, VIR_ERR_STORAGE_VOL_EXIST -> Reason.ALREADY_EXISTS;
            case VIR_ERR_OPERATION_INVALID -> Reason.INVALID_STATE;
            case VIR_ERR_INVALID_ARG, VIR_ERR_XML_ERROR, VIR_ERR_XML_DETAIL, VIR_ERR_CONFIG_UNSUPPORTED,
                    VIR_ERR_INVALID_MAC, VIR_ERR_NO_SUPPORT, VIR_ERR_ARGUMENT_UNSUPPORTED, VIR_ERR_NO_KERNEL,
                    VIR_ERR_NO_OS, VIR_ERR_OS_TYPE, VIR_ERR_NO_SOURCE, VIR_ERR_NO_TARGET -> Reason.INVALID_ARGUMENT;
            case VIR_ERR_NO_CONNECT, VIR_ERR_INVALID_CONN, VIR_ERR_RPC, VIR_ERR_AUTH_FAILED, VIR_ERR_AUTH_UNAVAILABLE,
                    VIR_ERR_UNKNOWN_HOST, VIR_ERR_SSH, VIR_ERR_LIBSSH, VIR_ERR_GNUTLS_ERROR -> Reason.UNREACHABLE;
            case VIR_ERR_OPERATION_TIMEOUT, VIR_ERR_AGENT_UNRESPONSIVE -> Reason.TIMEOUT;
            case VIR_ERR_OPERATION_FAILED, VIR_ERR_INTERNAL_ERROR -> text.contains("already exists")
                    ? Reason.ALREADY_EXISTS
                    : text.contains("cannot set up guest memory") || text.contains("cannot allocate memory")
                            ? Reason.INSUFFICIENT_RESOURCES
                            : Reason.FAILED;
            case VIR_ERR_SYSTEM_ERROR -> unreachable(text) ? Reason.UNREACHABLE : Reason.FAILED;
            default -> Reason.FAILED;
        };
    }

    private static boolean unreachable(String text) {
        return text.contains("connection refused") || text.contains("no route to host")
                || text.contains("network is unreachable") || text.contains("connection reset")
                || text.contains("broken pipe") || text.contains("end of file") || text.contains("timed out")
                || text.contains("unable to connect");
    }
}
