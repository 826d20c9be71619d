package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionUsesTest {

    private final ConnectionUses<Object> uses = new ConnectionUses<>();
    private final List<String> closed = new ArrayList<>();

    @Test
    void aConnectionNoCallIsInsideClosesWhenRetired() {
        Object connection = new Object();

        uses.retire(connection, () -> closed.add("now"));

        assertThat(closed).containsExactly("now");
        assertThat(uses.enter(connection)).as("no call enters a retired connection").isFalse();
    }

    @Test
    void theLastCallToLeaveARetiredConnectionClosesIt() {
        Object connection = new Object();
        assertThat(uses.enter(connection)).isTrue();
        assertThat(uses.enter(connection)).isTrue();

        uses.retire(connection, () -> closed.add("closed"));
        assertThat(closed).as("two calls inside").isEmpty();
        uses.leave(connection);
        assertThat(closed).as("one call inside").isEmpty();
        uses.leave(connection);

        assertThat(closed).containsExactly("closed");
        assertThat(uses.inside(connection)).isZero();
    }

    @Test
    void callsLeavingAConnectionStillInUseCloseNothing() {
        Object connection = new Object();
        uses.enter(connection);
        uses.leave(connection);

        assertThat(closed).isEmpty();
        assertThat(uses.enter(connection)).isTrue();
    }
}
