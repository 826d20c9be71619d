package dev.paddock.backup;

import static dev.paddock.backup.Images.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receiving a point shipped from another repository: chunks checked, commits whole, prunes beside it safe. */
class PointReceiverTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path directory;
    private BackupRepository source;
    private BackupRepository target;
    private PointReceiver receiver;

    @BeforeEach
    void repositories() {
        source = BackupRepository.create(directory.resolve("a"), CHUNK, Optional.empty());
        target = BackupRepository.create(directory.resolve("b"), CHUNK, Optional.empty());
        receiver = new PointReceiver(target, Duration.ofHours(1));
    }

    private RestorePoint written(long seed) {
        try (PointWriter writer = source.begin("vm-1", "{\"name\":\"web\"}", NOW, Optional.empty())) {
            writer.writeDisk("vda", new ByteArrayInputStream(Images.random(seed, 4 * CHUNK)));
            return writer.commit();
        }
    }

    private static List<String> chunks(RestorePoint point) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        point.disks().forEach(disk -> disk.extents().forEach(extent -> names.add(extent.chunk())));
        return new ArrayList<>(names);
    }

    private void ship(RestorePoint point, List<String> which) {
        for (String chunk : which) {
            receiver.receive(point.id(), chunk, source.storedChunk(chunk, "test"), NOW);
        }
    }

    @Test
    void a_point_shipped_chunk_by_chunk_arrives_with_the_same_manifest_and_reads_the_same() throws Exception {
        RestorePoint point = written(1);

        List<String> missing = receiver.missing(point.id(), chunks(point), NOW);
        ship(point, missing);
        receiver.commit(point.id(), source.manifestJson(point.id()), NOW);

        assertThat(missing).containsExactlyElementsOf(chunks(point));
        assertThat(Files.readAllBytes(target.directory().resolve("points/" + point.id() + ".json")))
                .isEqualTo(Files.readAllBytes(source.directory().resolve("points/" + point.id() + ".json")));
        assertThat(target.openDisk(point.id(), "vda").readAllBytes()).isEqualTo(Images.random(1, 4 * CHUNK));
        assertThat(target.verify().clean()).isTrue();
        assertThat(receiver.receiving()).as("the record ends with the commit").isZero();
    }

    @Test
    void a_commit_while_a_chunk_is_absent_names_it_and_leaves_no_point() {
        RestorePoint point = written(2);
        List<String> names = chunks(point);
        ship(point, names.subList(0, 3));

        assertThatThrownBy(() -> receiver.commit(point.id(), source.manifestJson(point.id()), NOW))
                .isInstanceOf(RepositoryException.MissingChunk.class).hasMessageContaining(names.get(3));
        assertThat(target.points()).isEmpty();
        assertThat(receiver.missing(point.id(), names, NOW)).containsExactly(names.get(3));
    }

    @Test
    void a_chunk_whose_bytes_do_not_match_its_name_is_refused_and_a_second_upload_is_a_no_op() {
        RestorePoint point = written(3);
        List<String> names = chunks(point);
        byte[] first = source.storedChunk(names.get(0), "test");

        assertThatThrownBy(() -> receiver.receive(point.id(), names.get(1), first, NOW))
                .isInstanceOf(RepositoryException.CorruptChunk.class).hasMessageContaining("does not match its name");
        assertThat(receiver.receive(point.id(), names.get(0), first, NOW)).isTrue();
        assertThat(receiver.receive(point.id(), names.get(0), first, NOW)).isFalse();
    }

    @Test
    void chunks_sealed_under_another_key_are_refused_with_a_sentence_about_keys() {
        BackupRepository sealed = BackupRepository.create(directory.resolve("c"), CHUNK,
                Optional.of(RepositoryKey.generate()));
        PointReceiver intoSealed = new PointReceiver(sealed, Duration.ofHours(1));
        RestorePoint point = written(4);
        String chunk = chunks(point).get(0);

        assertThatThrownBy(() -> intoSealed.receive(point.id(), chunk, source.storedChunk(chunk, "test"), NOW))
                .isInstanceOf(RepositoryException.CorruptChunk.class)
                .hasMessageContaining("both repositories must share one key, or both be unencrypted");
    }

    @Test
    void a_prune_beside_a_point_being_received_keeps_what_arrived() {
        RestorePoint point = written(5);
        List<String> names = chunks(point);
        receiver.missing(point.id(), names, NOW);
        ship(point, names.subList(0, 2));

        PruneReport report = target.prune(PruneListener.NONE);
        ship(point, names.subList(2, 4));
        receiver.commit(point.id(), source.manifestJson(point.id()), NOW);

        assertThat(report.deleted()).isZero();
        assertThat(target.verify().clean()).isTrue();
    }

    @Test
    void a_record_left_idle_ends_and_its_chunks_become_garbage_yet_no_half_point_appears() {
        RestorePoint point = written(6);
        List<String> names = chunks(point);
        receiver.missing(point.id(), names, NOW);
        ship(point, names);

        receiver.expire(NOW.plus(Duration.ofHours(2)));
        PruneReport report = target.prune(PruneListener.NONE);

        assertThat(receiver.receiving()).isZero();
        assertThat(report.deleted()).isEqualTo(4);
        assertThatThrownBy(() -> receiver.commit(point.id(), source.manifestJson(point.id()), NOW))
                .isInstanceOf(RepositoryException.MissingChunk.class);
        assertThat(target.points()).isEmpty();
        assertThat(receiver.missing(point.id(), names, NOW)).as("the next round sends them again")
                .containsExactlyElementsOf(names);
    }

    @Test
    void a_commit_repeated_after_its_answer_was_lost_is_answered_again() {
        RestorePoint point = written(7);
        ship(point, chunks(point));
        RestorePoint first = receiver.commit(point.id(), source.manifestJson(point.id()), NOW);

        assertThat(receiver.commit(point.id(), source.manifestJson(point.id()), NOW)).isEqualTo(first);
    }
}
