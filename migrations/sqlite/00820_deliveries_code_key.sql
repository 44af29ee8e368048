-- +goose Up
-- See migrations/postgres/00820: a reference code is found by code_key,
-- the first 8 bytes of its hash as a signed big-endian integer, and a
-- bounce by the campaign and person its Message-ID names. SQLite has no
-- conversion from hex, so the key of each existing delivery is added up
-- from its first 16 hex digits (the first one signed).
ALTER TABLE deliveries ADD COLUMN code_key INTEGER NOT NULL DEFAULT 0;
UPDATE deliveries SET code_key =
    ((instr('0123456789abcdef', substr(code_hash, 1, 1)) - 1) - 16 * ((instr('0123456789abcdef', substr(code_hash, 1, 1)) - 1) >= 8)) * 1152921504606846976 +
    (instr('0123456789abcdef', substr(code_hash, 2, 1)) - 1) * 72057594037927936 +
    (instr('0123456789abcdef', substr(code_hash, 3, 1)) - 1) * 4503599627370496 +
    (instr('0123456789abcdef', substr(code_hash, 4, 1)) - 1) * 281474976710656 +
    (instr('0123456789abcdef', substr(code_hash, 5, 1)) - 1) * 17592186044416 +
    (instr('0123456789abcdef', substr(code_hash, 6, 1)) - 1) * 1099511627776 +
    (instr('0123456789abcdef', substr(code_hash, 7, 1)) - 1) * 68719476736 +
    (instr('0123456789abcdef', substr(code_hash, 8, 1)) - 1) * 4294967296 +
    (instr('0123456789abcdef', substr(code_hash, 9, 1)) - 1) * 268435456 +
    (instr('0123456789abcdef', substr(code_hash, 10, 1)) - 1) * 16777216 +
    (instr('0123456789abcdef', substr(code_hash, 11, 1)) - 1) * 1048576 +
    (instr('0123456789abcdef', substr(code_hash, 12, 1)) - 1) * 65536 +
    (instr('0123456789abcdef', substr(code_hash, 13, 1)) - 1) * 4096 +
    (instr('0123456789abcdef', substr(code_hash, 14, 1)) - 1) * 256 +
    (instr('0123456789abcdef', substr(code_hash, 15, 1)) - 1) * 16 +
    (instr('0123456789abcdef', substr(code_hash, 16, 1)) - 1) * 1;
CREATE UNIQUE INDEX deliveries_code_key ON deliveries (code_key);
DROP INDEX deliveries_code;
DROP INDEX deliveries_message;

-- +goose Down
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE UNIQUE INDEX deliveries_code ON deliveries (code_hash);
DROP INDEX deliveries_code_key;
ALTER TABLE deliveries DROP COLUMN code_key;
