package dev.paddock.operation;

import dev.paddock.operation.plan.Step;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The operation runner's port to backup repositories: where {@link Step.CopyBackup}, {@link Step.ForgetRestorePoint}
 * and {@link Step.RestoreVolume} read and write restore points. {@link #NONE} in a runner without repositories,
 * where those steps fail with a sentence.
 */
public interface BackupCopies {

    /** True when the repository holds the whole restore point. */
    boolean holds(String repositoryId, String pointId);

    /**
     * Reads the backup export the step names into its restore point and commits it, reporting the part done;
     * returns a sentence for the operation's log.
     */
    String copy(Step.CopyBackup step, Consumer<Double> progress);

    /** Removes a restore point; false when there was none. */
    boolean forget(String repositoryId, String pointId);

    /** A restore point's disk as a qcow2 image of a known length, to upload into a new volume. */
    Image image(String repositoryId, String pointId, String disk);

    /** An image to upload: {@code length} bytes of {@code data}. */
    record Image(long length, InputStream data) {}

    BackupCopies NONE = new BackupCopies() {
        @Override
        public boolean holds(String repositoryId, String pointId) {
            return false;
        }

        @Override
        public String copy(Step.CopyBackup step, Consumer<Double> progress) {
            throw none();
        }

        @Override
        public boolean forget(String repositoryId, String pointId) {
            throw none();
        }

        @Override
        public Image image(String repositoryId, String pointId, String disk) {
            throw none();
        }

        private IllegalStateException none() {
            return new IllegalStateException("this server has no backup repositories");
        }
    };
}
