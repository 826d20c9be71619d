package dev.paddock.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The three files of a NoCloud seed, and the sentences that refuse what would not boot as asked. */
class CloudInitTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb1y4f8p0n2Xc0Qm4v alice@laptop";

    private static CloudInit web() {
        return new CloudInit("web-01", List.of(new CloudInit.User("alice", List.of(KEY), true)),
                Optional.of(new CloudInit.Static("52:54:00:AB:00:01", "10.79.1.21/24", Optional.of("10.79.1.1"),
                        List.of("10.79.1.2"))));
    }

    @Test
    void aStaticAddressAndAUserWithAKeyMakeTheThreeFiles() {
        CloudInit seed = web();

        assertThat(seed.metaData("vm-1")).isEqualTo("instance-id: \"vm-1\"\nlocal-hostname: \"web-01\"\n");
        assertThat(seed.userData()).isEqualTo("""
                #cloud-config
                hostname: "web-01"
                preserve_hostname: false
                users:
                  - name: "alice"
                    shell: "/bin/bash"
                    lock_passwd: true
                    sudo: "ALL=(ALL) NOPASSWD:ALL"
                    ssh_authorized_keys:
                      - "%s"
                """.formatted(KEY));
        assertThat(seed.networkConfig()).contains("""
                version: 2
                ethernets:
                  nic0:
                    match:
                      macaddress: "52:54:00:ab:00:01"
                    set-name: "eth0"
                    dhcp4: false
                    addresses:
                      - "10.79.1.21/24"
                    gateway4: "10.79.1.1"
                    nameservers:
                      addresses:
                        - "10.79.1.2"
                """);
    }

    @Test
    void dhcpOrNothingLeavesTheAddressToTheNetwork() {
        CloudInit dhcp = new CloudInit("db", List.of(), Optional.of(new CloudInit.Dhcp("52:54:00:00:00:02")));
        assertThat(dhcp.networkConfig().orElseThrow()).contains("dhcp4: true").doesNotContain("addresses");
        assertThat(dhcp.userData()).doesNotContain("users:");
        assertThat(new CloudInit("db", List.of(), Optional.empty()).networkConfig()).isEmpty();
    }

    @Test
    void whatAUserTypesCannotChangeTheDocumentsStructure() {
        String sneaky = KEY + " \"quoted\" \\ back";
        CloudInit seed = new CloudInit("h", List.of(new CloudInit.User("bob", List.of(sneaky), false)),
                Optional.empty());

        assertThat(seed.userData()).contains("- \"" + KEY + " \\\"quoted\\\" \\\\ back\"").doesNotContain("sudo");
        assertThat(CloudInit.quoted("a\nb\u0001")).isEqualTo("\"a\\nb\\u0001\"");
        assertThatThrownBy(() -> new CloudInit.User("bob", List.of(KEY + "\nruncmd: [reboot]"), false))
                .hasMessageStartingWith("SSH key of user 'bob' is not an OpenSSH public key");
    }

    @Test
    void eachMistakeIsOneSentence() {
        assertThatThrownBy(() -> new CloudInit("web_01", List.of(), Optional.empty()))
                .hasMessage("Hostname 'web_01' must be dot-separated labels of letters, digits and inner hyphens, at"
                        + " most 63 characters each.");
        assertThatThrownBy(() -> new CloudInit.User("Root", List.of(), false))
                .hasMessageStartingWith("User name 'Root' must be");
        assertThatThrownBy(() -> new CloudInit("h", List.of(new CloudInit.User("a", List.of(), false),
                new CloudInit.User("a", List.of(), true)), Optional.empty())).hasMessage("User 'a' is given twice.");
        assertThatThrownBy(() -> new CloudInit.Static("52:54:00:ab:00:01", "10.79.1.21/24",
                Optional.of("10.79.2.1"), List.of()))
                .hasMessage("Gateway 10.79.2.1 is not in subnet 10.79.1.0/24 of address 10.79.1.21/24.");
        assertThatThrownBy(() -> new CloudInit.Static("52:54:00:ab:00:01", "10.79.1.21", Optional.empty(),
                List.of())).hasMessageStartingWith("The address '10.79.1.21' needs a prefix length");
        assertThatThrownBy(() -> new CloudInit.Static("52:54:00:ab:00:01", "10.79.1.321/24", Optional.empty(),
                List.of())).hasMessage("The address '10.79.1.321' is not an IPv4 address.");
        assertThatThrownBy(() -> new CloudInit.Dhcp("52-54-00-ab-00-01"))
                .hasMessage("MAC address '52-54-00-ab-00-01' must be six hex pairs separated by colons.");
    }
}
