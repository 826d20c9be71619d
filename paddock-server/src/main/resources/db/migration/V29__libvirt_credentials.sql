-- What Paddock proves itself with to libvirt hosts: a TLS client certificate with its key and CA, or an SSH private
-- key with the hosts' known keys. The files are kept sealed (AES-GCM under the server's secrets key, outside the
-- database); a host names the one it uses in its URI (?credential=NAME), and the files exist in clear only in a
-- private directory of the running server, on tmpfs where the machine has one.
CREATE TABLE libvirt_credentials (
    id       VARCHAR(64) PRIMARY KEY,
    name     VARCHAR(128) NOT NULL UNIQUE,
    kind     VARCHAR(16) NOT NULL,
    summary  VARCHAR(2000) NOT NULL,
    sealed   VARCHAR(200000) NOT NULL,
    created  TIMESTAMP WITH TIME ZONE NOT NULL
);
