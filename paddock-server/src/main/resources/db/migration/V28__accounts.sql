-- Accounts: local users (Argon2id hashes in PHC form), their API tokens and browser sessions (only the SHA-256 of
-- each secret is kept), custom roles (built-in ones live in the code), and grants of a role on a scope to a user or
-- a directory group.
CREATE TABLE users (
    id                   VARCHAR(64) PRIMARY KEY,
    name                 VARCHAR(128) NOT NULL UNIQUE,
    password_hash        VARCHAR(512) NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    user_groups          VARCHAR(4000) NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_tokens (
    id          VARCHAR(64) PRIMARY KEY,
    user_id     VARCHAR(64) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        VARCHAR(128) NOT NULL,
    role        VARCHAR(128) NOT NULL,
    secret_hash VARCHAR(64) NOT NULL UNIQUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE browser_sessions (
    secret_hash VARCHAR(64) PRIMARY KEY,
    user_id     VARCHAR(64) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  VARCHAR(64) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- permissions: their keys separated by commas, for example "vm.read,vm.power"
CREATE TABLE roles (
    name        VARCHAR(128) PRIMARY KEY,
    permissions VARCHAR(4000) NOT NULL
);

-- scope_kind ROOM (scope_id NULL), SITE or CLUSTER; subject_kind USER or GROUP
CREATE TABLE grants (
    id           VARCHAR(64) PRIMARY KEY,
    subject_kind VARCHAR(16) NOT NULL,
    subject      VARCHAR(256) NOT NULL,
    role         VARCHAR(128) NOT NULL,
    scope_kind   VARCHAR(16) NOT NULL,
    scope_id     VARCHAR(128)
);
