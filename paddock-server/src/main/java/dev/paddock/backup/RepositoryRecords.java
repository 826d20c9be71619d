package dev.paddock.backup;

import java.util.List;
import java.util.Optional;

/** Where the server keeps its backup repositories' records and keys (the store's {@code JdbcRepositoryRecords}). */
public interface RepositoryRecords {

    /** Adds a record; a name or path already recorded is an {@link IllegalArgumentException}. */
    void put(RepositoryRecord record, Optional<RepositoryKey> key);

    List<RepositoryRecord> list();

    Optional<RepositoryRecord> get(String id);

    Optional<RepositoryRecord> byName(String name);

    /** The repository's key, opened; empty for one that is not encrypted. */
    Optional<RepositoryKey> key(String id);

    /** Forgets the record (the repository's directory stays as it is); false when there was none. */
    boolean delete(String id);
}
