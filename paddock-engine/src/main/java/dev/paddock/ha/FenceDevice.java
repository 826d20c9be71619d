package dev.paddock.ha;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How one host is fenced: the fence agent to run and its options, exactly as the fence-agents protocol names
 * them ({@code ip}, {@code username}, {@code password}, {@code lanplus}, {@code plug}, ...), so Debian's
 * {@code fence_ipmilan}, {@code fence_redfish} and the rest work unchanged.
 *
 * <p>Options reach the agent on its standard input, never on its command line, where any local user could read a
 * password. {@link #toString()} masks every secret option.
 *
 * @param agent the agent executable: a path, or a name looked up on the PATH
 */
public record FenceDevice(String agent, Map<String, String> options) {

    /** The longest agent the store keeps (a path's length on Linux is at most 4096, but no agent lives that deep). */
    public static final int MAX_AGENT = 1024;
    /**
     * What the options may hold: so many, of so many characters in all, that their JSON, secrets sealed (a third
     * longer and a nonce more), fits the 8000 characters the store keeps. Fence agents take about ten.
     */
    public static final int MAX_OPTIONS = 32;
    public static final int MAX_OPTION_CHARACTERS = 2048;

    public FenceDevice {
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException("a fence device needs an agent executable");
        }
        if (agent.length() > MAX_AGENT) {
            throw new IllegalArgumentException("a fence agent is an executable's name or path of at most " + MAX_AGENT
                    + " characters, not " + agent.length());
        }
        options = new TreeMap<>(Objects.requireNonNull(options, "options"));
        for (Map.Entry<String, String> option : options.entrySet()) {
            String key = option.getKey();
            if (key.isBlank() || !key.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("fence option name '" + key + "' must be letters, digits, '_'"
                        + " or '-'");
            }
            if (key.equals("action")) {
                throw new IllegalArgumentException("the fence action is chosen by Paddock, not set as an option");
            }
            String value = Objects.requireNonNull(option.getValue(), "value of fence option " + key);
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("fence option " + key + " must fit on one line");
            }
        }
        if (options.size() > MAX_OPTIONS) {
            throw new IllegalArgumentException("a fence device takes at most " + MAX_OPTIONS + " options, not "
                    + options.size());
        }
        int length = options.entrySet().stream().mapToInt(o -> o.getKey().length() + o.getValue().length()).sum();
        if (length > MAX_OPTION_CHARACTERS) {
            throw new IllegalArgumentException("a fence device's options hold at most " + MAX_OPTION_CHARACTERS
                    + " characters in all, names and values, not " + length);
        }
        options = java.util.Collections.unmodifiableMap(options);
    }

    /**
     * True for options whose value must never be shown, logged or stored in clear: anything named like a password,
     * a secret, a key, an SNMP community or a token.
     */
    public static boolean isSecret(String option) {
        String key = option.toLowerCase(Locale.ROOT);
        return key.contains("passw") || key.contains("secret") || key.contains("community") || key.contains("key")
                || key.contains("token");
    }

    /** The secret values, for scrubbing them from whatever an agent prints. */
    public java.util.List<String> secretValues() {
        return options.entrySet().stream()
                .filter(e -> isSecret(e.getKey()) && !e.getValue().isEmpty())
                .map(Map.Entry::getValue)
                .toList();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(agent).append('[');
        String separator = "";
        for (Map.Entry<String, String> option : options.entrySet()) {
            text.append(separator).append(option.getKey()).append('=')
                    .append(isSecret(option.getKey()) ? "*****" : option.getValue());
            separator = ", ";
        }
        return text.append(']').toString();
    }
}
