-- Run the app under a PostgreSQL role that can read and append audit entries but never change,
-- remove or truncate them. Two roles: the OWNER (the database's owner) runs `flask db upgrade`;
-- the app (gunicorn, the scheduled `flask` commands) connects as tm_app.
--
-- Once, after the first `flask db upgrade`, connected to the app's database AS THE OWNER:
--     psql -v ON_ERROR_STOP=1 "postgresql://OWNER@db.internal/tm" -f docs/postgres-app-role.sql
--     psql "postgresql://OWNER@db.internal/tm" -c "\password tm_app"
-- then DATABASE_URL=postgresql://tm_app:PASSWORD@db.internal/tm for the app.
-- Tables and sequences that later migrations (run as the owner) create get the same grants by default.
-- tests/services/test_audit_chain.py runs this file as written (with another role name).

CREATE ROLE tm_app LOGIN;
GRANT USAGE ON SCHEMA public TO tm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tm_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tm_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tm_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tm_app;
-- The audit log: read and append only. The triggers refuse these too, but a role that is not the
-- table's owner also cannot drop or disable the triggers.
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_events FROM tm_app;
