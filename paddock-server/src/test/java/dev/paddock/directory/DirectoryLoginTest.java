package dev.paddock.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Directory logins against a real OpenLDAP server on loopback: plain, StartTLS and LDAPS. */
class DirectoryLoginTest {

    private static Slapd slapd;

    @BeforeAll
    static void start() throws Exception {
        slapd = Slapd.start();
        slapd.addUser("ada", "ada-password");
        slapd.addUser("bob", "bob-password");
        slapd.addUser("eve", "eve-password");
        slapd.addGroup("ops", "ada", "eve");
        slapd.addGroup("auditors", "bob", "ada");
    }

    @AfterAll
    static void stop() {
        if (slapd != null) {
            slapd.close();
        }
    }

    private static DirectorySettings settings(String url, boolean startTls, Optional<Path> trusted) {
        return new DirectorySettings(URI.create(url), startTls, trusted, Optional.of(Slapd.SERVICE),
                Optional.of(Slapd.SERVICE_PASSWORD), "ou=people," + Slapd.SUFFIX, DirectorySettings.OPENLDAP_USERS,
                Optional.of("ou=groups," + Slapd.SUFFIX), DirectorySettings.OPENLDAP_GROUPS, Duration.ofSeconds(5));
    }

    private static DirectoryLogin startTls() {
        return new DirectoryLogin(settings(slapd.ldapUrl(), true, Optional.of(slapd.certificate())));
    }

    @Test
    void aUserLogsInWithItsGroupsOverStartTls() {
        DirectoryAccount ada = startTls().authenticate("ada", "ada-password");

        assertThat(ada.dn()).isEqualTo("uid=ada,ou=people," + Slapd.SUFFIX);
        assertThat(ada.displayName()).isEqualTo("ADA");
        assertThat(ada.groups()).containsExactlyInAnyOrder("ops", "auditors");
    }

    @Test
    void aWrongPasswordAnUnknownNameAndAnEmptyPasswordAllReadTheSame() {
        for (String[] attempt : new String[][] {{"ada", "wrong"}, {"nobody", "ada-password"}, {"ada", ""}}) {
            assertThatThrownBy(() -> startTls().authenticate(attempt[0], attempt[1]))
                    .as(attempt[0] + "/" + attempt[1])
                    .isInstanceOf(DirectoryException.InvalidCredentials.class)
                    .hasMessage("The user name or password is wrong.");
        }
    }

    @Test
    void aNameThatTriesToWidenTheFilterFindsNobody() {
        assertThatThrownBy(() -> startTls().authenticate("*", "ada-password"))
                .isInstanceOf(DirectoryException.InvalidCredentials.class);
        assertThatThrownBy(() -> startTls().authenticate("ada)(uid=*", "ada-password"))
                .isInstanceOf(DirectoryException.InvalidCredentials.class);
    }

    @Test
    void groupsAreReadAgainAtEachLogin() throws Exception {
        assertThat(startTls().authenticate("eve", "eve-password").groups()).containsExactly("ops");

        slapd.removeFromGroup("ops", "eve");

        assertThat(startTls().authenticate("eve", "eve-password").groups()).isEmpty();
    }

    @Test
    void ldapsWithTheServersCertificateTrustedLogsIn() {
        var ldaps = new DirectoryLogin(settings(slapd.ldapsUrl(), false, Optional.of(slapd.certificate())));

        assertThat(ldaps.authenticate("bob", "bob-password").groups()).containsExactly("auditors");
        assertThatThrownBy(() -> ldaps.authenticate("bob", "nope"))
                .isInstanceOf(DirectoryException.InvalidCredentials.class);
    }

    @Test
    void plainLdapLogsInToo() {
        var plain = new DirectoryLogin(settings(slapd.ldapUrl(), false, Optional.empty()));

        assertThat(plain.authenticate("bob", "bob-password").groups()).containsExactly("auditors");
    }

    @Test
    void anUntrustedCertificateIsASentenceNotALogin() {
        var untrusted = new DirectoryLogin(settings(slapd.ldapsUrl(), false, Optional.empty()));

        assertThatThrownBy(() -> untrusted.authenticate("bob", "bob-password"))
                .isInstanceOf(DirectoryException.Unavailable.class)
                .hasMessageStartingWith("Paddock ")
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void aWrongServiceAccountPasswordSaysSo() {
        var wrong = new DirectoryLogin(new DirectorySettings(URI.create(slapd.ldapUrl()), true,
                Optional.of(slapd.certificate()), Optional.of(Slapd.SERVICE), Optional.of("not-it"),
                "ou=people," + Slapd.SUFFIX, DirectorySettings.OPENLDAP_USERS, Optional.empty(),
                DirectorySettings.OPENLDAP_GROUPS, Duration.ofSeconds(5)));

        assertThatThrownBy(() -> wrong.authenticate("bob", "bob-password"))
                .isInstanceOf(DirectoryException.Unavailable.class)
                .hasMessageContaining("refused Paddock's service account");
    }

    @Test
    void anUnreachableDirectoryIsASentence() {
        var nowhere = new DirectoryLogin(settings("ldap://127.0.0.1:1", false, Optional.empty()));

        assertThatThrownBy(() -> nowhere.authenticate("bob", "bob-password"))
                .isInstanceOf(DirectoryException.Unavailable.class)
                .hasMessageStartingWith("Paddock cannot reach ldap://127.0.0.1:1");
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> settings("http://x", false, Optional.empty()))
                .hasMessageContaining("ldap:// or ldaps://");
        assertThatThrownBy(() -> settings("ldaps://x", true, Optional.empty()))
                .hasMessageContaining("StartTLS upgrades an ldap:// connection");
    }
}
