namespace Orch.Core.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, one entry per version, append-only like SQLite's (<see cref="Sqlite.Migrations"/>). The
/// tables and columns are the same, so the same statements run on both; integer widths follow what the code reads.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        // 1: the schema SQLite reached in its version 7.
        """
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          source TEXT,
          status TEXT NOT NULL,
          stop_reason TEXT,
          budget_micro_usd BIGINT,
          created_at TEXT NOT NULL,
          finished_at TEXT,
          options TEXT,
          cancel_requested_at TEXT
        );
        CREATE TABLE workstreams (
          rowid BIGSERIAL,
          run_id TEXT NOT NULL REFERENCES runs(id),
          id TEXT NOT NULL,
          title TEXT,
          status TEXT NOT NULL,
          stop_reason TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          budget_micro_usd BIGINT,
          started_at TEXT,
          finished_at TEXT,
          detail TEXT,
          PRIMARY KEY (run_id, id)
        );
        CREATE TABLE phases (
          id BIGSERIAL PRIMARY KEY,
          run_id TEXT NOT NULL,
          workstream_id TEXT NOT NULL,
          name TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          stop_reason TEXT,
          checkpoint_sha TEXT,
          started_at TEXT,
          finished_at TEXT,
          UNIQUE (run_id, workstream_id, name)
        );
        CREATE TABLE jobs (
          seq BIGSERIAL PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          run_id TEXT,
          workstream_id TEXT,
          phase_id BIGINT,
          name TEXT NOT NULL,
          tool TEXT NOT NULL,
          spec TEXT NOT NULL,
          status TEXT NOT NULL,
          priority INTEGER NOT NULL DEFAULT 0,
          queued_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          exit_code INTEGER,
          attempts INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          owner_id TEXT,
          owner_host TEXT,
          owner_pid INTEGER,
          owner_start BIGINT,
          process_pid INTEGER,
          process_start BIGINT,
          recoveries INTEGER NOT NULL DEFAULT 0,
          fence BIGINT NOT NULL DEFAULT 0,
          lease_until BIGINT
        );
        CREATE INDEX ix_jobs_queued ON jobs (priority DESC, seq) WHERE status = 'queued';
        CREATE INDEX ix_jobs_lease ON jobs (lease_until) WHERE status = 'running';
        CREATE INDEX ix_jobs_status ON jobs (status, seq);
        CREATE INDEX ix_jobs_run ON jobs (run_id);
        CREATE TABLE attempts (
          id BIGSERIAL PRIMARY KEY,
          job_id TEXT NOT NULL REFERENCES jobs(id),
          round INTEGER NOT NULL,
          number INTEGER NOT NULL,
          status TEXT NOT NULL,
          exit_code INTEGER,
          started_at TEXT NOT NULL,
          duration_ms BIGINT NOT NULL,
          delay_ms BIGINT NOT NULL,
          error TEXT,
          UNIQUE (job_id, round, number)
        );
        CREATE TABLE findings (
          id BIGSERIAL PRIMARY KEY,
          run_id TEXT NOT NULL DEFAULT '',
          workstream_id TEXT,
          job_id TEXT,
          signature TEXT NOT NULL,
          tool TEXT NOT NULL,
          file TEXT,
          line INTEGER,
          col INTEGER,
          code TEXT,
          message TEXT NOT NULL,
          severity TEXT NOT NULL,
          count INTEGER NOT NULL DEFAULT 1,
          first_seen TEXT NOT NULL,
          last_seen TEXT NOT NULL,
          UNIQUE (run_id, signature)
        );
        CREATE TABLE job_findings (
          id BIGSERIAL PRIMARY KEY,
          run_id TEXT NOT NULL DEFAULT '',
          workstream_id TEXT,
          job_id TEXT NOT NULL,
          signature TEXT NOT NULL,
          tool TEXT NOT NULL,
          file TEXT,
          line INTEGER,
          col INTEGER,
          code TEXT,
          message TEXT NOT NULL,
          severity TEXT NOT NULL
        );
        CREATE INDEX ix_job_findings_run ON job_findings (run_id, job_id);
        CREATE TABLE events (
          id BIGSERIAL PRIMARY KEY,
          ts TEXT NOT NULL,
          kind TEXT NOT NULL,
          run_id TEXT,
          workstream_id TEXT,
          job_id TEXT,
          data TEXT
        );
        CREATE INDEX ix_events_run ON events (run_id, id);
        CREATE INDEX ix_events_job ON events (job_id, id);
        CREATE FUNCTION orch_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
          FOR EACH ROW EXECUTE FUNCTION orch_events_append_only();
        CREATE TABLE costs (
          id BIGSERIAL PRIMARY KEY,
          ts TEXT NOT NULL,
          run_id TEXT,
          workstream_id TEXT,
          phase TEXT,
          job_id TEXT,
          attempt INTEGER,
          tool TEXT NOT NULL,
          model TEXT,
          input_tokens BIGINT NOT NULL DEFAULT 0,
          cached_tokens BIGINT NOT NULL DEFAULT 0,
          output_tokens BIGINT NOT NULL DEFAULT 0,
          cost_micro_usd BIGINT,
          estimated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_costs_run ON costs (run_id);
        CREATE INDEX ix_costs_workstream ON costs (run_id, workstream_id, phase);
        CREATE TABLE worktrees (
          path TEXT PRIMARY KEY,
          run_id TEXT NOT NULL,
          workstream_id TEXT NOT NULL,
          branch TEXT NOT NULL,
          base_sha TEXT NOT NULL,
          last_checkpoint TEXT,
          status TEXT NOT NULL,
          created_at TEXT NOT NULL,
          removed_at TEXT
        );
        CREATE TABLE legacy_imports (
          kind TEXT NOT NULL,
          legacy_id TEXT NOT NULL,
          imported_at TEXT NOT NULL,
          PRIMARY KEY (kind, legacy_id)
        );
        CREATE TABLE test_results (
          id BIGSERIAL PRIMARY KEY,
          run_id TEXT NOT NULL,
          project TEXT NOT NULL,
          branch TEXT NOT NULL,
          commit_sha TEXT NOT NULL,
          test TEXT NOT NULL,
          outcome TEXT NOT NULL,
          ts TEXT NOT NULL
        );
        CREATE INDEX ix_test_results_lookup ON test_results (project, test, branch, id);
        """,
    ];
}
