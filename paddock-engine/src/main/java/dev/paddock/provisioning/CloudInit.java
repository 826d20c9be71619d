package dev.paddock.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a new VM's guest is told at first boot through a cloud-init NoCloud seed: its hostname, its users with their
 * SSH keys, and how its first NIC gets an address. Pure: it checks what it is given, with one sentence per mistake,
 * and writes the seed's three files ({@code meta-data}, {@code user-data}, {@code network-config}); the server puts
 * them on the small ISO the VM boots with.
 *
 * <p>Every value is written as a double-quoted string, which YAML reads as JSON reads it, so nothing a user types can
 * change the documents' structure.
 *
 * @param hostname the guest's host name: letters, digits and hyphens, dot-separated labels of at most 63 characters
 * @param users the accounts to create, each with its SSH keys
 * @param network how the NIC is configured; empty leaves it to the image's default (usually DHCP on every NIC)
 */
public record CloudInit(String hostname, List<User> users, Optional<Network> network) {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern KEY = Pattern.compile("(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)"
            + "|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com) [A-Za-z0-9+/]+={0,3}( [^\\r\\n]*)?");
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    /**
     * An account: its name, its SSH public keys, and whether it may become root with sudo without a password.
     */
    public record User(String name, List<String> sshKeys, boolean sudo) {
        public User {
            Objects.requireNonNull(name, "name");
            if (!USER.matcher(name).matches()) {
                throw new IllegalArgumentException("User name '" + name + "' must be a lower-case letter or _ then"
                        + " up to 31 lower-case letters, digits, _ or -.");
            }
            sshKeys = List.copyOf(sshKeys);
            for (String key : sshKeys) {
                if (!KEY.matcher(key).matches()) {
                    throw new IllegalArgumentException("SSH key of user '" + name + "' is not an OpenSSH public key"
                            + " (type, base64, optional comment on one line): '" + abbreviated(key) + "'.");
                }
            }
        }
    }

    /** How the guest's NIC with this MAC address gets its address. */
    public sealed interface Network permits Dhcp, Static {
        String mac();
    }

    /** An address from DHCP. */
    public record Dhcp(String mac) implements Network {
        public Dhcp {
            mac = normalMac(mac);
        }
    }

    /**
     * A fixed address.
     *
     * @param address the address with its prefix length, for example {@code 10.79.1.21/24}
     * @param gateway the default route's next hop, empty for none; it must lie in the address's subnet
     * @param dns name servers, in order
     */
    public record Static(String mac, String address, Optional<String> gateway, List<String> dns) implements Network {
        public Static {
            mac = normalMac(mac);
            Ipv4.Cidr cidr = Ipv4.cidr(address, "address");
            gateway.ifPresent(hop -> {
                if (!cidr.contains(Ipv4.parse(hop, "gateway"))) {
                    throw new IllegalArgumentException("Gateway " + hop + " is not in subnet " + cidr.subnet()
                            + " of address " + address + ".");
                }
            });
            dns = List.copyOf(dns);
            dns.forEach(server -> Ipv4.parse(server, "DNS server"));
        }
    }

    public CloudInit {
        Objects.requireNonNull(hostname, "hostname");
        if (hostname.length() > 253 || hostname.isEmpty()) {
            throw new IllegalArgumentException("Hostname must be 1 to 253 characters, was " + hostname.length() + ".");
        }
        for (String label : hostname.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("Hostname '" + hostname + "' must be dot-separated labels of"
                        + " letters, digits and inner hyphens, at most 63 characters each.");
            }
        }
        users = List.copyOf(users);
        List<String> names = new ArrayList<>();
        for (User user : users) {
            if (names.contains(user.name())) {
                throw new IllegalArgumentException("User '" + user.name() + "' is given twice.");
            }
            names.add(user.name());
        }
        network = network == null ? Optional.empty() : network;
    }

    /** {@code meta-data}: the instance id (a new one makes cloud-init run again) and the host name. */
    public String metaData(String instanceId) {
        return "instance-id: " + quoted(instanceId) + "\nlocal-hostname: " + quoted(hostname) + "\n";
    }

    /** {@code user-data}: a {@code #cloud-config} document with the host name and the users. */
    public String userData() {
        StringBuilder yaml = new StringBuilder("#cloud-config\n");
        yaml.append("hostname: ").append(quoted(hostname)).append('\n');
        yaml.append("preserve_hostname: false\n");
        if (!users.isEmpty()) {
            yaml.append("users:\n");
            for (User user : users) {
                yaml.append("  - name: ").append(quoted(user.name())).append('\n');
                yaml.append("    shell: \"/bin/bash\"\n");
                yaml.append("    lock_passwd: true\n");
                if (user.sudo()) {
                    yaml.append("    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n");
                }
                if (!user.sshKeys().isEmpty()) {
                    yaml.append("    ssh_authorized_keys:\n");
                    user.sshKeys().forEach(key -> yaml.append("      - ").append(quoted(key)).append('\n'));
                }
            }
        }
        return yaml.toString();
    }

    /** {@code network-config} (version 2), empty when the image's own default applies. */
    public Optional<String> networkConfig() {
        return network.map(nic -> {
            StringBuilder yaml = new StringBuilder("version: 2\nethernets:\n  nic0:\n");
            yaml.append("    match:\n      macaddress: ").append(quoted(nic.mac())).append('\n');
            yaml.append("    set-name: \"eth0\"\n");
            switch (nic) {
                case Dhcp dhcp -> yaml.append("    dhcp4: true\n");
                case Static fixed -> {
                    yaml.append("    dhcp4: false\n");
                    yaml.append("    addresses:\n      - ").append(quoted(fixed.address())).append('\n');
                    fixed.gateway().ifPresent(hop -> yaml.append("    gateway4: ").append(quoted(hop)).append('\n'));
                    if (!fixed.dns().isEmpty()) {
                        yaml.append("    nameservers:\n      addresses:\n");
                        fixed.dns().forEach(server -> yaml.append("        - ").append(quoted(server)).append('\n'));
                    }
                }
            }
            return yaml.toString();
        });
    }

    /** A YAML double-quoted scalar, escaped as JSON escapes a string. */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String normalMac(String mac) {
        Objects.requireNonNull(mac, "mac");
        String lower = mac.toLowerCase(Locale.ROOT);
        if (!MAC.matcher(lower).matches()) {
            throw new IllegalArgumentException("MAC address '" + mac + "' must be six hex pairs separated by colons.");
        }
        return lower;
    }

    private static String abbreviated(String key) {
        return key.length() <= 40 ? key : key.substring(0, 37) + "...";
    }
}
