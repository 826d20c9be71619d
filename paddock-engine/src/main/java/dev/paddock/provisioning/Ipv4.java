package dev.paddock.provisioning;

/** IPv4 addresses and subnets as a VM's network configuration names them; pure. */
final class Ipv4 {

    private Ipv4() {}

    /** An address with its prefix length. */
    record Cidr(int address, int prefix) {
        private int mask() {
            return prefix == 0 ? 0 : -1 << (32 - prefix);
        }

        boolean contains(int other) {
            return (other & mask()) == (address & mask());
        }

        String subnet() {
            return text(address & mask()) + "/" + prefix;
        }
    }

    static Cidr cidr(String text, String what) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("The " + what + " '" + text + "' needs a prefix length, for example"
                    + " 10.79.1.21/24.");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("The prefix length of " + what + " '" + text + "' must be 1 to 32.");
        }
        return new Cidr(parse(text.substring(0, slash), what), prefix);
    }

    static int parse(String text, String what) {
        String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("The " + what + " '" + text + "' is not an IPv4 address.");
        }
        int value = 0;
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("The " + what + " '" + text + "' is not an IPv4 address.");
            }
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    static String text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
