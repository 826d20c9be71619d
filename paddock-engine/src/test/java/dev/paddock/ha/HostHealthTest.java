package dev.paddock.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.ha.HostHealth.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of the host health table: the next state, or "-" for a move that must throw. */
class HostHealthTest {

    /** Columns in the order of {@link Event}: LOST REGAINED ISOLATED DEAD F_OK F_FAIL DONE M_IN M_OUT. */
    private static final String TABLE = """
            HEALTHY     SUSPECT     HEALTHY     -           -           -          -          -          MAINTENANCE -
            SUSPECT     SUSPECT     HEALTHY     ISOLATED    FENCING     -          -          -          MAINTENANCE -
            ISOLATED    ISOLATED    HEALTHY     ISOLATED    FENCING     -          -          -          MAINTENANCE -
            FENCING     FENCING     FENCING     FENCING     FENCING     RECOVERING FENCING    -          -           -
            RECOVERING  RECOVERING  RECOVERING  RECOVERING  RECOVERING  RECOVERING -          FENCED     -           -
            FENCED      FENCED      HEALTHY     FENCED      FENCED      FENCED     -          -          MAINTENANCE -
            MAINTENANCE MAINTENANCE MAINTENANCE MAINTENANCE MAINTENANCE -          -          -          MAINTENANCE HEALTHY
            """;

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] words = line.trim().split("\\s+");
            HostHealth from = HostHealth.valueOf(words[0]);
            for (Event event : Event.values()) {
                cells.add(Arguments.of(from, event, words[1 + event.ordinal()]));
            }
        }
        return cells.stream();
    }

    @Test
    void theTableHasOneRowPerStateAndOneColumnPerEvent() {
        String[] rows = TABLE.strip().split("\n");
        assertThat(rows).hasSize(HostHealth.values().length);
        for (String row : rows) {
            assertThat(row.trim().split("\\s+")).hasSize(1 + Event.values().length);
        }
        assertThat(cells()).hasSize(HostHealth.values().length * Event.values().length);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("cells")
    void eachStateAndEventLeadsWhereTheTableSays(HostHealth from, Event event, String expected) {
        if (expected.equals("-")) {
            assertThatThrownBy(() -> HostHealth.next(from, event))
                    .isInstanceOf(HostHealth.IllegalMove.class)
                    .hasMessageContaining(from.name())
                    .hasMessageContaining(event.name());
        } else {
            assertThat(HostHealth.next(from, event)).isEqualTo(HostHealth.valueOf(expected));
        }
    }

    @Test
    void aHostIsRestartedOnOnlyAfterItsFenceIsConfirmed() {
        for (HostHealth state : HostHealth.values()) {
            for (Event event : Event.values()) {
                try {
                    if (HostHealth.next(state, event) == HostHealth.RECOVERING && state != HostHealth.RECOVERING) {
                        assertThat(event).isEqualTo(Event.FENCE_CONFIRMED);
                    }
                } catch (HostHealth.IllegalMove expected) {
                    // not a move
                }
            }
        }
    }

    @Test
    void onlyAHealthyHostTakesRestartedVms() {
        assertThat(Stream.of(HostHealth.values()).filter(HostHealth::takesRestarts)).containsExactly(HostHealth.HEALTHY);
    }
}
