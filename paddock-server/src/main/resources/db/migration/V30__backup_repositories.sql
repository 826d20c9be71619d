-- Backup repositories the server writes restore points to: a directory (on a datastore the server mounts) holding
-- the repository's own format (chunks, manifests). An encrypted repository's key is kept sealed (AES-GCM under the
-- server's secrets key, bound to the repository's id); a copy of it must also be kept away from the server.
CREATE TABLE backup_repositories (
    id          VARCHAR(64) PRIMARY KEY,
    name        VARCHAR(128) NOT NULL UNIQUE,
    path        VARCHAR(4000) NOT NULL UNIQUE,
    key_sealed  VARCHAR(2000),
    created     TIMESTAMP WITH TIME ZONE NOT NULL
);
