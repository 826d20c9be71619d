package dev.paddock.security;

import java.util.List;
import java.util.Optional;

/** The libvirt credentials the server keeps, their files sealed at rest. */
public interface LibvirtCredentials {

    /** Keeps a new credential; a name already used is refused with {@link IllegalArgumentException}. */
    void put(LibvirtCredential credential, LibvirtCredential.Files files);

    List<LibvirtCredential> list();

    Optional<LibvirtCredential> get(String id);

    Optional<LibvirtCredential> byName(String name);

    /**
     * The files of a credential, opened.
     *
     * @throws SecretBox.Unreadable when the server's secrets key does not open them
     */
    Optional<LibvirtCredential.Files> files(String id);

    /** Forgets a credential; false when there was none with that id. */
    boolean delete(String id);

    /**
     * None, and no place to keep one: for a server assembled without a store of credentials (an in-process
     * benchmark), which then refuses to keep one with {@link IllegalStateException}.
     */
    static LibvirtCredentials none() {
        return new LibvirtCredentials() {
            @Override
            public void put(LibvirtCredential credential, LibvirtCredential.Files files) {
                throw new IllegalStateException("this server was assembled without a store for libvirt credentials");
            }

            @Override
            public List<LibvirtCredential> list() {
                return List.of();
            }

            @Override
            public Optional<LibvirtCredential> get(String id) {
                return Optional.empty();
            }

            @Override
            public Optional<LibvirtCredential> byName(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<LibvirtCredential.Files> files(String id) {
                return Optional.empty();
            }

            @Override
            public boolean delete(String id) {
                return false;
            }
        };
    }
}
