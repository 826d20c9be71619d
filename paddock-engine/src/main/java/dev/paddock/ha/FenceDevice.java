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

    public FenceDevice {
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException("a fence device needs an agent executable");
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
