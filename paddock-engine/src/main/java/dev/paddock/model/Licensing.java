package dev.paddock.model;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The room's licences and where each VM's licences are bound, as of an instant: what placement judges licences by.
 *
 * @param licences by name
 * @param bindings by VM id and licence name, the host the VM's licence is bound to and since when
 * @param asOf the instant the relocation rules are judged at
 */
public record Licensing(Map<String, Licence> licences, Map<String, Map<String, Binding>> bindings, Instant asOf) {

    /** No licence known: a VM's licence names are judged only against its host's. */
    public static final Licensing NONE = new Licensing(Map.of(), Map.of(), Instant.EPOCH);

    public Licensing {
        licences = java.util.Collections.unmodifiableMap(new TreeMap<>(licences));
        bindings = Map.copyOf(bindings);
    }

    public static Licensing of(Collection<Licence> licences, Collection<Binding> bindings, Instant asOf) {
        Map<String, Licence> byName = new TreeMap<>();
        licences.forEach(licence -> byName.put(licence.name(), licence));
        Map<String, Map<String, Binding>> byVm = new TreeMap<>();
        bindings.forEach(binding -> byVm.computeIfAbsent(binding.vmId(), id -> new TreeMap<>())
                .put(binding.licence(), binding));
        return new Licensing(byName, byVm, asOf);
    }

    public Optional<Licence> licence(String name) {
        return Optional.ofNullable(licences.get(name));
    }

    public Optional<Binding> binding(String vmId, String licence) {
        return Optional.ofNullable(bindings.getOrDefault(vmId, Map.of()).get(licence));
    }

    /**
     * A VM's licence bound to a host: the host it last ran on with it.
     *
     * @param since when it was bound there (its last reassignment)
     */
    public record Binding(String vmId, String licence, String hostId, Instant since) {}
}
