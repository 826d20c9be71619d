package dev.paddock.server.sim;

import dev.paddock.model.Host;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The datastore heartbeat of simulated hosts: a powered-on sim host writes it (an isolated one too: it is cut from
 * the management network, not from its storage). Hosts outside the simulated room have no heartbeat yet, so HA
 * judges them on keepalive and their fence device alone.
 */
public record SimulatedHeartbeats(SimulatedHypervisor sim, Clock clock) implements Function<Host, Optional<Instant>> {

    private static final String SCHEME = SimulatedHypervisor.SCHEME;

    @Override
    public Optional<Instant> apply(Host host) {
        if (!host.uri().startsWith(SCHEME)) {
            return Optional.empty();
        }
        String hostname = host.uri().substring(SCHEME.length());
        return sim.hosts().stream()
                .filter(h -> h.hostname().equals(hostname))
                .filter(SimHostStatus::poweredOn)
                .findFirst()
                .map(h -> clock.instant());
    }
}
