package dev.paddock.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, run on one platform thread for the life of the process.
 *
 * <p>The loop is global to the process in libvirt itself ({@code virEventRegisterDefaultImpl} can be called
 * once), so this class holds it statically: it must be registered before the first connection is opened,
 * or keepalive and events never work on that connection. Callbacks run on this thread, so listeners on it
 * only enqueue. libvirt's own error printing to stderr is replaced by a debug log line.
 */
final class LibvirtEventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtEventLoop.class);
    private static final Object LOCK = new Object();
    /** Held strongly: libvirt calls it from native code, and a collected callback would crash the JVM. */
    private static final Libvirt.VirErrorCallback QUIET_ERRORS = new QuietErrors();
    private static Thread thread;

    private LibvirtEventLoop() {}

    /** Registers and starts the loop once; later calls return at once. */
    static void ensureRunning() {
        synchronized (LOCK) {
            if (thread != null) {
                return;
            }
            try {
                Connect.setErrorCallback(QUIET_ERRORS);
                // libvirt-java's own callbacks throw on a connection closed under them (its pointer is null by
                // then); JNA would print each to stderr. Such an event is for a connection we already let go.
                Native.setCallbackExceptionHandler((callback, e) ->
                        LOG.debug("libvirt callback {} failed: {}", callback.getClass().getName(), e.toString()));
                Library.initEventLoop();
            } catch (LibvirtException e) {
                throw LibvirtErrors.translate("cannot start libvirt's event loop", e);
            }
            thread = Thread.ofPlatform().name("libvirt-events").daemon().start(LibvirtEventLoop::run);
        }
    }

    private static void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Library.runEventLoop();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (LibvirtException | RuntimeException e) {
                // One bad callback must not end event delivery for every host.
                LOG.warn("libvirt event loop iteration failed: {}", e.getMessage());
            }
        }
    }

    private static final class QuietErrors implements Libvirt.VirErrorCallback {
        @Override
        public void errorCallback(Pointer userData, virError error) {
            if (LOG.isDebugEnabled() && error != null) {
                LOG.debug("libvirt: {}", error.message);
            }
        }
    }
}
