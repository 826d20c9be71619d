package dev.paddock.directory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where directory accounts live and how to find them: an LDAP server (OpenLDAP, 389, Active Directory), reached by
 * {@code ldap://} (plain or StartTLS) or {@code ldaps://}, a service account that may search (or none, to search
 * anonymously), where users and groups are, and how a user's name and group membership read there.
 *
 * @param url {@code ldap://host[:port]} or {@code ldaps://host[:port]}
 * @param startTls upgrade an {@code ldap://} connection with StartTLS before anything is sent
 * @param trustedCertificates a PEM file of the CA (or the certificate) the server's TLS certificate must chain to;
 *     empty for the JDK's CAs
 * @param bindDn the service account that searches; empty to search anonymously
 * @param bindPassword its password
 * @param userBase where users are searched, the whole subtree
 * @param userFilter the user's entry, {@code {0}} the name typed at login (escaped), for example {@code (uid={0})}
 *     for OpenLDAP or {@code (sAMAccountName={0})} for Active Directory
 * @param groupBase where groups are searched; empty to read only the user's {@code memberOf}
 * @param groupFilter a group the user is in, {@code {0}} the user's DN and {@code {1}} the name, for example
 *     {@code (|(member={0})(uniqueMember={0})(memberUid={1}))}
 * @param timeout how long to wait for the server, connection and each answer
 */
public record DirectorySettings(URI url, boolean startTls, Optional<Path> trustedCertificates, Optional<String> bindDn,
        Optional<String> bindPassword, String userBase, String userFilter, Optional<String> groupBase,
        String groupFilter, Duration timeout) {

    /** OpenLDAP's usual shapes: posix or inetOrgPerson users by uid, groupOfNames/posixGroup groups. */
    public static final String OPENLDAP_USERS = "(uid={0})";
    public static final String OPENLDAP_GROUPS = "(|(member={0})(uniqueMember={0})(memberUid={1}))";
    /** Active Directory: users by account name, groups including nested ones (LDAP_MATCHING_RULE_IN_CHAIN). */
    public static final String ACTIVE_DIRECTORY_USERS = "(&(objectClass=user)(sAMAccountName={0}))";
    public static final String ACTIVE_DIRECTORY_GROUPS = "(member:1.2.840.113556.1.4.1941:={0})";

    public DirectorySettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        Objects.requireNonNull(bindDn, "bindDn");
        Objects.requireNonNull(bindPassword, "bindPassword");
        Objects.requireNonNull(userBase, "userBase");
        Objects.requireNonNull(userFilter, "userFilter");
        Objects.requireNonNull(groupBase, "groupBase");
        Objects.requireNonNull(groupFilter, "groupFilter");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
            throw new IllegalArgumentException("A directory URL is ldap:// or ldaps://, not '" + url + "'.");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("The directory URL '" + url + "' names no host.");
        }
        if (startTls && scheme.equals("ldaps")) {
            throw new IllegalArgumentException("StartTLS upgrades an ldap:// connection; ldaps:// is TLS already.");
        }
        if (!userFilter.contains("{0}")) {
            throw new IllegalArgumentException("The user filter must hold {0}, the name typed at login.");
        }
        if (bindDn.isPresent() != bindPassword.isPresent()) {
            throw new IllegalArgumentException("A service account's DN and password go together.");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The directory timeout must be positive.");
        }
    }

    /** Whether the connection is encrypted (ldaps://, or StartTLS). */
    public boolean encrypted() {
        return startTls || url.getScheme().equalsIgnoreCase("ldaps");
    }
}
