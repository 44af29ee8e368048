-- Least privilege on PostgreSQL: two roles for one Breachline database.
--
--   breachline_owner  owns the schema and every table; `breachline migrate`
--                     runs as it, and nothing else does.
--   breachline_app    what `breachline serve` and `breachline worker` run
--                     as: reads and writes rows, may only add to the audit
--                     log and to the history of obligations, and, not being
--                     their owner, cannot truncate a table, drop or disable
--                     a trigger, or change the schema.
--
-- Once, as a superuser (psql -d postgres):
--
--   CREATE ROLE breachline_owner LOGIN PASSWORD '…';
--   CREATE ROLE breachline_app LOGIN PASSWORD '…';
--   CREATE DATABASE breachline OWNER breachline_owner;
--
-- Then, as breachline_owner:
--
--   BREACHLINE_DATABASE_URL=postgres://breachline_owner:…@db/breachline breachline migrate
--   psql "postgres://breachline_owner:…@db/breachline" -v ON_ERROR_STOP=1 -f deploy/postgres-roles.sql
--
-- and run serve and worker with postgres://breachline_app:…@db/breachline.
-- This file may be run again after any migration; it changes nothing that
-- is already so. Tables a later migration creates get the same grants
-- through the default privileges below.

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO breachline_app;

-- Rows of every table, and the sequences their ids come from.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO breachline_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO breachline_app;
ALTER DEFAULT PRIVILEGES FOR ROLE breachline_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO breachline_app;
ALTER DEFAULT PRIVILEGES FOR ROLE breachline_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO breachline_app;

-- The records that are only ever added to. Their triggers refuse changes
-- too, but a trigger binds only those who cannot remove it.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, obligation_history FROM breachline_app;

-- Nothing is granted TRUNCATE, REFERENCES or TRIGGER, and the application
-- owns nothing: it cannot ALTER TABLE … DISABLE TRIGGER.
