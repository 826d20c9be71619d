-- The audit chain keyed with an HMAC (chain 2) after the plain SHA-256 entries of earlier servers (chain 1), and
-- what a change did: {"before":...,"after":...} as JSON with secrets redacted, empty when the entry records none.
ALTER TABLE audit ADD COLUMN chain SMALLINT DEFAULT 1 NOT NULL;
ALTER TABLE audit ADD COLUMN change_json VARCHAR(1000000) DEFAULT '' NOT NULL;
