package dev.paddock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.bench.QemuDisk.Write;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backup benchmark's arithmetic of guest writes: what they changed, raw and as a dirty bitmap sees it. */
class GuestWritesTest {

    private static final long K = 1024;

    @Test
    void changed_bytes_are_the_union_of_the_writes() {
        List<Write> writes = List.of(new Write(0, 8 * K), new Write(4 * K, 8 * K), new Write(100 * K, 4 * K));

        assertThat(GuestWrites.changed(writes)).isEqualTo(16 * K);
        assertThat(GuestWrites.total(writes)).isEqualTo(20 * K);
    }

    @Test
    void a_bitmap_marks_every_64k_block_a_write_touches_once() {
        List<Write> writes = List.of(
                new Write(4 * K, 4 * K),            // block 0
                new Write(60 * K, 8 * K),           // blocks 0 and 1
                new Write(200 * K, 4 * K),          // block 3
                new Write(1024 * K, 64 * K));       // block 16, aligned

        assertThat(GuestWrites.changed(writes, 64 * K)).isEqualTo(4 * 64 * K);
        assertThat(GuestWrites.changed(List.of(), 64 * K)).isZero();
    }

    @Test
    void scattered_writes_add_up_to_the_total_asked_and_stay_on_the_disk_in_4k_blocks() {
        long size = 256 * 1024 * K;
        List<Write> writes = GuestWrites.scattered(new Random(7), size, 8 * 1024 * K);

        assertThat(GuestWrites.total(writes)).isEqualTo(8 * 1024 * K);
        assertThat(writes).allSatisfy(w -> {
            assertThat(w.offset() % GuestWrites.BLOCK).isZero();
            assertThat(w.length()).isBetween((long) GuestWrites.BLOCK, (long) GuestWrites.LARGEST);
            assertThat(w.end()).isLessThanOrEqualTo(size);
        });
        assertThat(GuestWrites.changed(writes)).as("some writes fall on earlier ones").isLessThan(8 * 1024 * K);
    }

    @Test
    void options_refuse_what_cannot_be_measured() {
        assertThat(BackupBenchmark.Options.parse(new String[0]).parts())
                .containsExactly("incremental", "throughput", "borg");
        assertThat(BackupBenchmark.Options.parse(new String[] {"--only", "borg", "--vms", "3"}).vms()).isEqualTo(3);
        assertThatThrownBy(() -> BackupBenchmark.Options.parse(new String[] {"--only", "restore"}))
                .hasMessageContaining("--only takes incremental, throughput or borg");
        assertThatThrownBy(() -> BackupBenchmark.Options.parse(new String[] {"--chunk-kib", "3000"}))
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> BackupBenchmark.Options.parse(new String[] {"--data-mib", "900"}))
                .hasMessageContaining("at least twice --data-mib");
    }
}
