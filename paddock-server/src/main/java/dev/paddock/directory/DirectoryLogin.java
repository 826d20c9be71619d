package dev.paddock.directory;

import dev.paddock.tls.TrustedCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Optional;
import java.util.Set;
import javax.naming.AuthenticationException;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.InitialLdapContext;
import javax.naming.ldap.LdapContext;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.naming.ldap.StartTlsRequest;
import javax.naming.ldap.StartTlsResponse;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * A directory login, the usual search-then-bind: the service account (or an anonymous connection) finds the
 * user's entry by the name typed, a second connection binds as that entry with the password typed (the directory
 * judges the password; Paddock never sees a hash), then the user's groups are read — every login, so that a user
 * removed from a group loses its roles at the next one. Every connection is encrypted when the settings ask for
 * {@code ldaps://} or StartTLS, with the server's certificate checked against the configured CA and its name.
 */
public final class DirectoryLogin {

    private static final String[] USER_ATTRIBUTES = {"cn", "displayName", "memberOf"};
    private final DirectorySettings settings;
    private final Optional<SSLContext> tls;

    public DirectoryLogin(DirectorySettings settings) {
        this.settings = settings;
        this.tls = settings.trustedCertificates().map(TrustedCertificates::of);
    }

    /**
     * The account for {@code username} and {@code password}.
     *
     * @throws DirectoryException.InvalidCredentials when the name is unknown, ambiguous, or the password wrong
     *     (an empty password is refused here: many directories take an empty password as an anonymous bind)
     * @throws DirectoryException.Unavailable when the directory cannot be asked
     */
    public DirectoryAccount authenticate(String username, String password) {
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            throw new DirectoryException.InvalidCredentials();
        }
        Connection service = connect(settings.bindDn(), settings.bindPassword(), true);
        try {
            SearchResult entry = findUser(service.context(), username);
            String dn = entry.getNameInNamespace();
            connect(Optional.of(dn), Optional.of(password), false).close();
            Set<String> groups = groups(service.context(), entry.getAttributes(), dn, username);
            return new DirectoryAccount(username, dn, displayName(entry.getAttributes(), username), groups);
        } finally {
            service.close();
        }
    }

    private SearchResult findUser(LdapContext context, String username) {
        var controls = new SearchControls();
        controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
        controls.setReturningAttributes(USER_ATTRIBUTES);
        controls.setCountLimit(2);
        controls.setTimeLimit((int) settings.timeout().toMillis());
        try {
            NamingEnumeration<SearchResult> found = context.search(settings.userBase(), settings.userFilter(),
                    new Object[] {username}, controls);
            try {
                if (!found.hasMore()) {
                    throw new DirectoryException.InvalidCredentials();
                }
                SearchResult first = found.next();
                if (found.hasMore()) {
                    // two entries answer to one name: neither is trusted
                    throw new DirectoryException.InvalidCredentials();
                }
                return first;
            } finally {
                found.close();
            }
        } catch (javax.naming.SizeLimitExceededException e) {
            throw new DirectoryException.InvalidCredentials();
        } catch (NamingException e) {
            throw unavailable("search for the user under " + settings.userBase(), e);
        }
    }

    private Set<String> groups(LdapContext context, Attributes user, String dn, String username) {
        Set<String> groups = new HashSet<>();
        try {
            Attribute memberOf = user.get("memberOf");
            if (memberOf != null) {
                for (NamingEnumeration<?> values = memberOf.getAll(); values.hasMore(); ) {
                    commonName(String.valueOf(values.next())).ifPresent(groups::add);
                }
            }
            if (settings.groupBase().isPresent()) {
                var controls = new SearchControls();
                controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
                controls.setReturningAttributes(new String[] {"cn"});
                controls.setTimeLimit((int) settings.timeout().toMillis());
                NamingEnumeration<SearchResult> found = context.search(settings.groupBase().get(),
                        settings.groupFilter(), new Object[] {dn, username}, controls);
                try {
                    while (found.hasMore()) {
                        SearchResult group = found.next();
                        Attribute cn = group.getAttributes().get("cn");
                        if (cn != null) {
                            groups.add(String.valueOf(cn.get()));
                        } else {
                            commonName(group.getNameInNamespace()).ifPresent(groups::add);
                        }
                    }
                } finally {
                    found.close();
                }
            }
            return groups;
        } catch (NamingException e) {
            throw unavailable("read the groups of " + dn, e);
        }
    }

    private static String displayName(Attributes attributes, String fallback) throws DirectoryException {
        for (String name : new String[] {"displayName", "cn"}) {
            Attribute attribute = attributes.get(name);
            try {
                if (attribute != null && attribute.get() != null) {
                    return String.valueOf(attribute.get());
                }
            } catch (NamingException e) {
                // an unreadable name leaves the login name
            }
        }
        return fallback;
    }

    /** The CN of a DN such as {@code cn=ops,ou=groups,dc=example,dc=org}. */
    static Optional<String> commonName(String dn) {
        try {
            for (Rdn rdn : new LdapName(dn).getRdns().reversed()) {
                if (rdn.getType().equalsIgnoreCase("cn")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
            return Optional.empty();
        } catch (javax.naming.InvalidNameException e) {
            return Optional.empty();
        }
    }

    private record Connection(LdapContext context, Optional<StartTlsResponse> startTls) {
        void close() {
            startTls.ifPresent(response -> {
                try {
                    response.close();
                } catch (IOException e) {
                    // the connection goes anyway
                }
            });
            try {
                context.close();
            } catch (NamingException e) {
                // nothing held is lost
            }
        }
    }

    /**
     * A connection bound as {@code dn} (anonymous when empty). With StartTLS the bind happens after the upgrade,
     * so no password crosses the network in the clear.
     */
    private Connection connect(Optional<String> dn, Optional<String> password, boolean service) {
        var environment = new Hashtable<String, Object>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        environment.put(Context.PROVIDER_URL, settings.url().toString());
        environment.put("com.sun.jndi.ldap.connect.timeout", Long.toString(settings.timeout().toMillis()));
        environment.put("com.sun.jndi.ldap.read.timeout", Long.toString(settings.timeout().toMillis()));
        environment.put(Context.REFERRAL, "ignore");
        if (settings.url().getScheme().equalsIgnoreCase("ldaps") && tls.isPresent()) {
            environment.put("java.naming.ldap.factory.socket", ConfiguredSocketFactory.class.getName());
        }
        boolean bindLater = settings.startTls();
        if (!bindLater) {
            bind(environment, dn, password);
        }
        LdapContext context;
        ConfiguredSocketFactory.CURRENT.set(tls.map(SSLContext::getSocketFactory).orElse(null));
        try {
            context = new InitialLdapContext(environment, null);
        } catch (AuthenticationException e) {
            throw refused(service, e);
        } catch (NamingException e) {
            throw unavailable("connect to " + settings.url(), e);
        } finally {
            ConfiguredSocketFactory.CURRENT.remove();
        }
        if (!bindLater) {
            return new Connection(context, Optional.empty());
        }
        StartTlsResponse upgraded;
        try {
            upgraded = (StartTlsResponse) context.extendedOperation(new StartTlsRequest());
            upgraded.negotiate(tls.map(SSLContext::getSocketFactory)
                    .orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault()));
        } catch (NamingException e) {
            closeQuietly(context);
            throw unavailable("start TLS with " + settings.url(), e);
        } catch (IOException e) {
            closeQuietly(context);
            throw unavailable("start TLS with " + settings.url(), e);
        }
        try {
            if (dn.isPresent()) {
                context.addToEnvironment(Context.SECURITY_AUTHENTICATION, "simple");
                context.addToEnvironment(Context.SECURITY_PRINCIPAL, dn.get());
                context.addToEnvironment(Context.SECURITY_CREDENTIALS, password.orElseThrow());
                // the changed credentials are bound on this same, upgraded connection at its next request
                context.getAttributes("", new String[] {"supportedLDAPVersion"});
            }
            return new Connection(context, Optional.of(upgraded));
        } catch (AuthenticationException e) {
            new Connection(context, Optional.of(upgraded)).close();
            throw refused(service, e);
        } catch (NamingException e) {
            new Connection(context, Optional.of(upgraded)).close();
            throw unavailable("bind to " + settings.url(), e);
        }
    }

    private static void bind(Hashtable<String, Object> environment, Optional<String> dn, Optional<String> password) {
        if (dn.isPresent()) {
            environment.put(Context.SECURITY_AUTHENTICATION, "simple");
            environment.put(Context.SECURITY_PRINCIPAL, dn.get());
            environment.put(Context.SECURITY_CREDENTIALS, password.orElseThrow());
        } else {
            environment.put(Context.SECURITY_AUTHENTICATION, "none");
        }
    }

    /** The user's own bind refused is a wrong password; the service account's is the directory's configuration. */
    private DirectoryException refused(boolean service, AuthenticationException e) {
        return service ? new DirectoryException.Unavailable("The directory at " + settings.url()
                + " refused Paddock's service account (" + settings.bindDn().orElse("anonymous")
                + "): check its DN and password.", e) : new DirectoryException.InvalidCredentials();
    }

    private DirectoryException.Unavailable unavailable(String what, NamingException e) {
        Throwable root = e.getRootCause() != null ? e.getRootCause() : e;
        String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String kind = e instanceof CommunicationException ? "cannot reach" : "could not";
        return new DirectoryException.Unavailable("Paddock " + kind + " " + what.replaceFirst("^connect to ",
                kind.equals("cannot reach") ? "" : "connect to ") + ": " + why + ".", e);
    }

    private DirectoryException.Unavailable unavailable(String what, IOException e) {
        return new DirectoryException.Unavailable("Paddock could not " + what + ": " + e.getMessage() + ".", e);
    }

    private static void closeQuietly(LdapContext context) {
        try {
            context.close();
        } catch (NamingException e) {
            // nothing held is lost
        }
    }

    /**
     * JNDI makes ldaps:// sockets with a factory it names by class and gets through a static {@code getDefault()}:
     * this one hands out the factory the connecting thread configured (the settings' CA), and is used only there.
     */
    public static final class ConfiguredSocketFactory extends SocketFactory {
        static final ThreadLocal<SSLSocketFactory> CURRENT = new ThreadLocal<>();
        private final SSLSocketFactory delegate;

        private ConfiguredSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        public static SocketFactory getDefault() {
            SSLSocketFactory configured = CURRENT.get();
            return new ConfiguredSocketFactory(configured != null ? configured
                    : (SSLSocketFactory) SSLSocketFactory.getDefault());
        }

        @Override
        public Socket createSocket() throws IOException {
            return delegate.createSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }
}
