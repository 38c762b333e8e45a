"""The PostgreSQL schema of the multi-user record, as numbered migrations.

Append a migration; never edit one that has shipped. Each runs once, in its own transaction,
as the owner role, under an advisory lock (two servers starting at once migrate one after the
other), and is recorded in ``defdip.migrations``.

Two roles (``defdip db init`` creates them):

- ``defdip_owner`` (NOLOGIN) owns the schema ``defdip`` and every table in it;
- ``defdip_app`` is what the application connects as. It owns nothing, so row-level security
  (enabled and **forced** on every marked table) always applies to it; it may not delete a
  record (deletion is soft) nor change or remove an audit row.

The application states who is asking at the start of each transaction
(``set_config(..., true)``): ``defdip.user_id``, ``defdip.clearance`` (the clearance's rank),
``defdip.nation`` (ISO3, '' for none), ``defdip.audience`` (a ``text[]`` literal: nation,
groups, ``ALL``) and ``defdip.admin`` (``on``/``off``). Policies read each setting once per
query (a scalar subquery, evaluated as an init plan) and test the releasable-to list with one
array overlap on a GIN-indexed column — a SQL function called per row was measured 20× slower.
Without the settings a policy cannot be evaluated and PostgreSQL refuses the read.
"""

from __future__ import annotations

__all__ = ["APP_ROLE", "OWNER_ROLE", "PG_MIGRATIONS", "SCHEMA", "visible_sql"]

SCHEMA = "defdip"
OWNER_ROLE = "defdip_owner"
APP_ROLE = "defdip_app"

_CLEARANCE = "(SELECT current_setting('defdip.clearance')::int)"
_NATION = "(SELECT current_setting('defdip.nation'))"
_AUDIENCE = "(SELECT current_setting('defdip.audience')::text[])"
_USER = "(SELECT nullif(current_setting('defdip.user_id'), '')::bigint)"
_ADMIN = "(SELECT current_setting('defdip.admin'))"


def visible_sql(rank: str = "classification_rank", owner: str = "owner_nation",
                releasable: str = "releasable_to") -> str:
    """The rule of :mod:`defdip.store.markings` as a policy expression over three columns."""
    return (f"({rank} <= {_CLEARANCE} AND ({owner} = {_NATION} "
            f"OR {releasable} && {_AUDIENCE}))")


_LEVELS = ("CASE classification WHEN 'PUBLIC' THEN 0 WHEN 'RESTRICTED' THEN 1 "
           "WHEN 'CONFIDENTIAL' THEN 2 WHEN 'SECRET' THEN 3 END")
_CHECK_LEVEL = "IN ('PUBLIC', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')"


def _owned_only(table: str) -> str:
    """Row-level security on ``table``, forced, with the owner role unrestricted (it runs
    the triggers that keep history and audit)."""
    return f"""
        ALTER TABLE defdip.{table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE defdip.{table} FORCE ROW LEVEL SECURITY;
        CREATE POLICY {table}_owner ON defdip.{table} FOR ALL TO {OWNER_ROLE}
            USING (true) WITH CHECK (true);
    """


_ACCOUNTS = f"""
    CREATE TABLE defdip.users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{{1,62}}$'),
        display_name text,
        password_hash text,
        nationality text NOT NULL CHECK (nationality ~ '^[A-Z]{{3}}$'),
        clearance text NOT NULL CHECK (clearance {_CHECK_LEVEL}),
        groups text[] NOT NULL DEFAULT '{{}}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    -- a desk is a named group of countries; '*' (countries NULL) is every country
    CREATE TABLE defdip.desks (
        name text PRIMARY KEY CHECK (name = '*' OR name ~ '^[A-Za-z0-9][A-Za-z0-9 ._-]{{0,62}}$'),
        countries text[] CHECK ((name = '*') = (countries IS NULL)),
        description text
    );
    INSERT INTO defdip.desks VALUES ('*', NULL, 'every country');
    CREATE TABLE defdip.grants (
        user_id bigint NOT NULL REFERENCES defdip.users(id),
        role text NOT NULL CHECK (role IN ('viewer', 'editor', 'approver', 'admin')),
        desk text NOT NULL REFERENCES defdip.desks(name) ON DELETE CASCADE,
        PRIMARY KEY (user_id, role, desk)
    );
    CREATE TABLE defdip.api_tokens (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES defdip.users(id),
        label text NOT NULL,
        token_hash text NOT NULL UNIQUE,        -- sha256 of the token; the token is shown once
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
    );
    CREATE TABLE defdip.web_sessions (
        id_hash text PRIMARY KEY,                -- sha256 of the session cookie
        user_id bigint NOT NULL REFERENCES defdip.users(id),
        csrf_hash text NOT NULL,                 -- sha256 of the session's CSRF token
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
    );
    GRANT SELECT, INSERT, UPDATE ON defdip.users, defdip.api_tokens, defdip.web_sessions
        TO {APP_ROLE};
    GRANT SELECT, INSERT, UPDATE, DELETE ON defdip.desks, defdip.grants TO {APP_ROLE};
"""

_RECORD = f"""
    CREATE TABLE defdip.engagements (
        id text PRIMARY KEY,
        kind text NOT NULL, subtype text, name text, series text,
        start date, start_precision text, "end" date, end_precision text,
        domain text, location text,
        personnel bigint, units bigint, tiv double precision, countries bigint,
        legal_basis text, source text, citation text, url text, retrieved date,
        confidence text, conflict text, notes text,
        origin text NOT NULL DEFAULT 'entered' CHECK (origin = 'entered'),
        natural_key text NOT NULL,
        classification text NOT NULL CHECK (classification {_CHECK_LEVEL}),
        classification_rank smallint GENERATED ALWAYS AS ({_LEVELS}) STORED,
        owner_nation text NOT NULL CHECK (owner_nation ~ '^[A-Z]{{3}}$'),
        releasable_to text[] NOT NULL,
        actors jsonb NOT NULL,                   -- [{{iso3, ccode, label, role}}]
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by bigint NOT NULL REFERENCES defdip.users(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by bigint NOT NULL REFERENCES defdip.users(id),
        approved_at timestamptz, approved_by bigint REFERENCES defdip.users(id),
        deleted_at timestamptz, deleted_by bigint REFERENCES defdip.users(id)
    );
    CREATE INDEX engagements_releasable_to ON defdip.engagements USING gin (releasable_to);
    CREATE INDEX engagements_owner ON defdip.engagements (owner_nation);
    CREATE TABLE defdip.engagement_actors (   -- kept from engagements.actors by a trigger
        engagement_id text NOT NULL REFERENCES defdip.engagements(id),
        iso3 text NOT NULL, ccode bigint, label text, role text NOT NULL,
        classification_rank smallint NOT NULL, owner_nation text NOT NULL,
        releasable_to text[] NOT NULL            -- the record's marking, for the same policy
    );
    CREATE INDEX engagement_actors_id ON defdip.engagement_actors (engagement_id);
    CREATE INDEX engagement_actors_releasable_to ON defdip.engagement_actors
        USING gin (releasable_to);
    {_owned_only("engagements")}
    {_owned_only("engagement_actors")}
    CREATE POLICY engagements_read ON defdip.engagements FOR SELECT TO {APP_ROLE}
        USING {visible_sql()};
    -- a user writes only records of their own nation that they may see, as themselves
    CREATE POLICY engagements_enter ON defdip.engagements FOR INSERT TO {APP_ROLE}
        WITH CHECK ({visible_sql()} AND owner_nation = {_NATION} AND created_by = {_USER});
    CREATE POLICY engagements_edit ON defdip.engagements FOR UPDATE TO {APP_ROLE}
        USING ({visible_sql()} AND owner_nation = {_NATION})
        WITH CHECK ({visible_sql()} AND owner_nation = {_NATION} AND updated_by = {_USER});
    CREATE POLICY engagement_actors_read ON defdip.engagement_actors FOR SELECT TO {APP_ROLE}
        USING {visible_sql()};
    -- what the analyses count: approved and not deleted (the invoker's policies apply)
    CREATE VIEW defdip.record_current WITH (security_invoker = true) AS
        SELECT * FROM defdip.engagements WHERE status = 'approved' AND deleted_at IS NULL;
    GRANT SELECT, INSERT, UPDATE ON defdip.engagements TO {APP_ROLE};
    GRANT SELECT ON defdip.engagement_actors, defdip.record_current TO {APP_ROLE};
"""

_AUDIT = f"""
    CREATE TABLE defdip.audit (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        user_id bigint, user_name text,
        action text NOT NULL,     -- create update delete restore approve | <table>.<op> | read…
        target text NOT NULL,     -- the table written, or the service function that read
        record_id text, version integer,
        before jsonb, after jsonb, detail jsonb,
        before_rank smallint, before_owner text, before_releasable text[],
        after_rank smallint, after_owner text, after_releasable text[]
    );
    CREATE INDEX audit_record ON defdip.audit (record_id);
    CREATE FUNCTION defdip.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'defdip: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON defdip.audit
        FOR EACH ROW EXECUTE FUNCTION defdip.refuse_change();
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON defdip.audit
        FOR EACH STATEMENT EXECUTE FUNCTION defdip.refuse_change();
    {_owned_only("audit")}
    -- admins read the log, each row only if they may see the record before and after
    CREATE POLICY audit_read ON defdip.audit FOR SELECT TO {APP_ROLE} USING (
        {_ADMIN} = 'on'
        AND (before_rank IS NULL OR {visible_sql("before_rank", "before_owner",
                                                 "before_releasable")})
        AND (after_rank IS NULL OR {visible_sql("after_rank", "after_owner",
                                                "after_releasable")}));
    -- the application logs reads, exports and logins; writes are logged by the triggers
    CREATE POLICY audit_log ON defdip.audit FOR INSERT TO {APP_ROLE} WITH CHECK (
        action IN ('read', 'export', 'login', 'login_failed', 'logout')
        AND before IS NULL AND after IS NULL AND before_rank IS NULL AND after_rank IS NULL);
    GRANT SELECT, INSERT ON defdip.audit TO {APP_ROLE};
    CREATE FUNCTION defdip.account_written() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = defdip, pg_temp AS $$
    DECLARE
        who bigint := nullif(current_setting('defdip.user_id', true), '')::bigint;
        old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN
            to_jsonb(OLD) - 'password_hash' - 'token_hash' - 'csrf_hash' END;
        new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN
            to_jsonb(NEW) - 'password_hash' - 'token_hash' - 'csrf_hash' END;
    BEGIN
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'users'
           AND (to_jsonb(OLD) ->> 'password_hash') IS DISTINCT FROM
               (to_jsonb(NEW) ->> 'password_hash') THEN
            new_row := new_row || '{{"password": "changed"}}';
        END IF;
        INSERT INTO defdip.audit (user_id, user_name, action, target, before, after)
        VALUES (who, (SELECT name FROM defdip.users WHERE id = who),
                TG_TABLE_NAME || '.' || lower(TG_OP), TG_TABLE_NAME, old_row, new_row);
        RETURN NULL;
    END $$;
    CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON defdip.users
        FOR EACH ROW EXECUTE FUNCTION defdip.account_written();
    CREATE TRIGGER desks_audit AFTER INSERT OR UPDATE OR DELETE ON defdip.desks
        FOR EACH ROW EXECUTE FUNCTION defdip.account_written();
    CREATE TRIGGER grants_audit AFTER INSERT OR UPDATE OR DELETE ON defdip.grants
        FOR EACH ROW EXECUTE FUNCTION defdip.account_written();
    -- a token's use (last_used_at) is not a change to audit; issuing and revoking are
    CREATE TRIGGER api_tokens_audit AFTER INSERT OR DELETE OR UPDATE OF label, expires_at,
        revoked_at, token_hash, user_id ON defdip.api_tokens
        FOR EACH ROW EXECUTE FUNCTION defdip.account_written();
"""

#: Columns that describe a write rather than what the record says.
_META = ("'version'", "'status'", "'created_at'", "'created_by'", "'updated_at'",
         "'updated_by'", "'approved_at'", "'approved_by'", "'deleted_at'", "'deleted_by'",
         "'classification_rank'")
_CONTENT = "to_jsonb({row}) - ARRAY[" + ", ".join(_META) + "]"

_HISTORY = f"""
    CREATE TABLE defdip.engagement_versions (
        id text NOT NULL,
        version integer NOT NULL,
        valid_from timestamptz NOT NULL,         -- from when the record said this …
        valid_to timestamptz,                    -- … until the next version (NULL: still)
        status text NOT NULL,
        deleted boolean NOT NULL,
        record jsonb NOT NULL,                   -- the whole row, actors included
        classification_rank smallint NOT NULL, owner_nation text NOT NULL,
        releasable_to text[] NOT NULL,           -- this version's marking
        written_by bigint,
        PRIMARY KEY (id, version)
    );
    CREATE FUNCTION defdip.version_closed_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL
           OR (to_jsonb(NEW) - 'valid_to') <> (to_jsonb(OLD) - 'valid_to') THEN
            RAISE EXCEPTION 'defdip: a version is kept as written; only its end is set, once'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER versions_closed_only BEFORE UPDATE ON defdip.engagement_versions
        FOR EACH ROW EXECUTE FUNCTION defdip.version_closed_only();
    CREATE TRIGGER versions_kept BEFORE DELETE ON defdip.engagement_versions
        FOR EACH ROW EXECUTE FUNCTION defdip.refuse_change();
    CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON defdip.engagement_versions
        FOR EACH STATEMENT EXECUTE FUNCTION defdip.refuse_change();
    {_owned_only("engagement_versions")}
    -- a past version is shown under its own marking
    CREATE POLICY engagement_versions_read ON defdip.engagement_versions FOR SELECT
        TO {APP_ROLE} USING {visible_sql()};
    GRANT SELECT ON defdip.engagement_versions TO {APP_ROLE};

    -- who may write what: the writer's nation owns the record (policies); their role on a
    -- desk that covers one of its countries allows the write (here). An edit of what the
    -- record says puts it back to draft; approving changes nothing else.
    CREATE FUNCTION defdip.record_guard() RETURNS trigger LANGUAGE plpgsql
        SET search_path = defdip, pg_temp AS $$
    DECLARE
        who bigint := nullif(current_setting('defdip.user_id', true), '')::bigint;
        needed text := 'editor';
        places text[];
        ladder text[] := ARRAY['viewer', 'editor', 'approver', 'admin'];
    BEGIN
        IF who IS NULL THEN
            RAISE EXCEPTION 'defdip: a record write needs the user context'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        places := ARRAY(SELECT DISTINCT a ->> 'iso3' FROM jsonb_array_elements(NEW.actors) a);
        IF TG_OP = 'INSERT' THEN
            NEW.version := 1; NEW.status := 'draft';
            NEW.created_at := now(); NEW.created_by := who;
            NEW.approved_at := NULL; NEW.approved_by := NULL;
            NEW.deleted_at := NULL; NEW.deleted_by := NULL;
        ELSE
            places := places || ARRAY(SELECT DISTINCT a ->> 'iso3'
                                      FROM jsonb_array_elements(OLD.actors) a);
            IF NEW.id <> OLD.id OR NEW.owner_nation <> OLD.owner_nation
               OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
                RAISE EXCEPTION 'defdip: a record''s id, owner nation and creation stay'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.version <> OLD.version + 1 THEN
                RAISE EXCEPTION 'defdip: record % is at version %; a write makes version %',
                    OLD.id, OLD.version, OLD.version + 1 USING ERRCODE = 'serialization_failure';
            END IF;
            IF {_CONTENT.format(row="NEW")} <> {_CONTENT.format(row="OLD")} THEN
                NEW.status := 'draft'; NEW.approved_at := NULL; NEW.approved_by := NULL;
            ELSIF NEW.status = 'approved' AND OLD.status = 'draft' THEN
                needed := 'approver'; NEW.approved_at := now(); NEW.approved_by := who;
            END IF;
            IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
                NEW.deleted_by := who;
            ELSIF NEW.deleted_at IS NULL THEN
                NEW.deleted_by := NULL;
            END IF;
        END IF;
        NEW.updated_at := now(); NEW.updated_by := who;
        IF NOT EXISTS (
            SELECT 1 FROM defdip.grants g
            JOIN defdip.desks d ON d.name = g.desk
            JOIN defdip.users u ON u.id = g.user_id AND u.active
            WHERE g.user_id = who
              AND array_position(ladder, g.role) >= array_position(ladder, needed)
              AND (d.countries IS NULL OR d.countries && places)) THEN
            RAISE EXCEPTION 'defdip: user % holds no % role on a desk covering %',
                who, needed, array_to_string(places, ', ')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER engagements_guard BEFORE INSERT OR UPDATE ON defdip.engagements
        FOR EACH ROW EXECUTE FUNCTION defdip.record_guard();

    -- every write: the actors table, a new version (closing the last), one audit row
    CREATE FUNCTION defdip.record_written() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = defdip, pg_temp AS $$
    DECLARE
        who bigint := NEW.updated_by;
        act text := 'create';
    BEGIN
        DELETE FROM defdip.engagement_actors WHERE engagement_id = NEW.id;
        INSERT INTO defdip.engagement_actors
            SELECT NEW.id, a.iso3, a.ccode, a.label, a.role, NEW.classification_rank,
                   NEW.owner_nation, NEW.releasable_to
            FROM jsonb_to_recordset(NEW.actors) AS a(iso3 text, ccode bigint, label text,
                                                     role text);
        UPDATE defdip.engagement_versions SET valid_to = NEW.updated_at
            WHERE id = NEW.id AND valid_to IS NULL;
        INSERT INTO defdip.engagement_versions VALUES (
            NEW.id, NEW.version, NEW.updated_at, NULL, NEW.status, NEW.deleted_at IS NOT NULL,
            to_jsonb(NEW), NEW.classification_rank, NEW.owner_nation, NEW.releasable_to, who);
        IF TG_OP = 'UPDATE' THEN
            act := CASE
                WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete'
                WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN 'restore'
                WHEN OLD.status = 'draft' AND NEW.status = 'approved' THEN 'approve'
                ELSE 'update' END;
            INSERT INTO defdip.audit (user_id, user_name, action, target, record_id, version,
                before, after, before_rank, before_owner, before_releasable, after_rank,
                after_owner, after_releasable)
            VALUES (who, (SELECT name FROM defdip.users WHERE id = who), act, 'engagements',
                NEW.id, NEW.version, to_jsonb(OLD), to_jsonb(NEW), OLD.classification_rank,
                OLD.owner_nation, OLD.releasable_to, NEW.classification_rank, NEW.owner_nation,
                NEW.releasable_to);
        ELSE
            INSERT INTO defdip.audit (user_id, user_name, action, target, record_id, version,
                after, after_rank, after_owner, after_releasable)
            VALUES (who, (SELECT name FROM defdip.users WHERE id = who), act, 'engagements',
                NEW.id, NEW.version, to_jsonb(NEW), NEW.classification_rank, NEW.owner_nation,
                NEW.releasable_to);
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER engagements_written AFTER INSERT OR UPDATE ON defdip.engagements
        FOR EACH ROW EXECUTE FUNCTION defdip.record_written();
"""

#: (number, description, SQL), applied in order by ``defdip.store.postgres``.
PG_MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "accounts: users, desks, role grants, API tokens, web sessions", _ACCOUNTS),
    (2, "the entered record with markings and workflow; row-level security", _RECORD),
    (3, "the append-only audit log; account changes audited by triggers", _AUDIT),
    (4, "every version of every record (valid time); record writes guarded and audited",
     _HISTORY),
)
