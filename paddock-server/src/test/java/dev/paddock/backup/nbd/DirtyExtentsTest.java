package dev.paddock.backup.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.backup.ChangedRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirtyExtentsTest {

    @Test
    void touching_extents_with_the_flag_merge_and_the_others_are_left_out() {
        List<NbdClient.Status> statuses = List.of(
                new NbdClient.Status(0, 100, 0),
                new NbdClient.Status(100, 50, 1),
                new NbdClient.Status(150, 50, 3),
                new NbdClient.Status(200, 10, 2),
                new NbdClient.Status(210, 40, 1));

        assertThat(DirtyExtents.ranges(statuses, 1)).containsExactly(
                new ChangedRange(100, 100), new ChangedRange(210, 40));
        assertThat(DirtyExtents.ranges(statuses, 2)).containsExactly(new ChangedRange(150, 60));
    }

    @Test
    void no_flagged_extent_gives_no_range() {
        assertThat(DirtyExtents.ranges(List.of(new NbdClient.Status(0, 1 << 20, 0)), 1)).isEmpty();
    }
}
