namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// The state database's schema, one entry per version. Entries are append-only: a shipped migration is never
/// edited, because databases in the field already ran it.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        // 1: the engine's tables.
        """
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          source TEXT,
          status TEXT NOT NULL,
          stop_reason TEXT,
          budget_micro_usd INTEGER,
          created_at TEXT NOT NULL,
          finished_at TEXT
        );
        CREATE TABLE workstreams (
          run_id TEXT NOT NULL REFERENCES runs(id),
          id TEXT NOT NULL,
          title TEXT,
          status TEXT NOT NULL,
          stop_reason TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          budget_micro_usd INTEGER,
          started_at TEXT,
          finished_at TEXT,
          PRIMARY KEY (run_id, id)
        );
        CREATE TABLE phases (
          id INTEGER PRIMARY KEY,
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
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          run_id TEXT,
          workstream_id TEXT,
          phase_id INTEGER,
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
          owner_start INTEGER,
          process_pid INTEGER,
          process_start INTEGER,
          recoveries INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_jobs_queue ON jobs (status, priority DESC, seq);
        CREATE INDEX ix_jobs_run ON jobs (run_id);
        CREATE TABLE attempts (
          id INTEGER PRIMARY KEY,
          job_id TEXT NOT NULL REFERENCES jobs(id),
          round INTEGER NOT NULL,
          number INTEGER NOT NULL,
          status TEXT NOT NULL,
          exit_code INTEGER,
          started_at TEXT NOT NULL,
          duration_ms INTEGER NOT NULL,
          delay_ms INTEGER NOT NULL,
          error TEXT,
          UNIQUE (job_id, round, number)
        );
        CREATE TABLE findings (
          id INTEGER PRIMARY KEY,
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
        CREATE TABLE events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          ts TEXT NOT NULL,
          kind TEXT NOT NULL,
          run_id TEXT,
          workstream_id TEXT,
          job_id TEXT,
          data TEXT
        );
        CREATE INDEX ix_events_run ON events (run_id, id);
        CREATE INDEX ix_events_job ON events (job_id, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TABLE costs (
          id INTEGER PRIMARY KEY,
          ts TEXT NOT NULL,
          run_id TEXT,
          workstream_id TEXT,
          phase TEXT,
          job_id TEXT,
          attempt INTEGER,
          tool TEXT NOT NULL,
          model TEXT,
          input_tokens INTEGER NOT NULL DEFAULT 0,
          cached_tokens INTEGER NOT NULL DEFAULT 0,
          output_tokens INTEGER NOT NULL DEFAULT 0,
          cost_micro_usd INTEGER
        );
        CREATE INDEX ix_costs_run ON costs (run_id);
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
        """,

        // 2: what resume needs: run options, and a readable reason on each workstream.
        """
        ALTER TABLE runs ADD COLUMN options TEXT;
        ALTER TABLE workstreams ADD COLUMN detail TEXT;
        """,

        // 3: the cost ledger tells reported dollars from price-table estimates.
        """
        ALTER TABLE costs ADD COLUMN estimated INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_costs_workstream ON costs (run_id, workstream_id, phase);
        """,

        // 4: what `migrate` brought in from a legacy pipeline_state.db, so a second import adds nothing.
        """
        CREATE TABLE legacy_imports (
          kind TEXT NOT NULL,
          legacy_id TEXT NOT NULL,
          imported_at TEXT NOT NULL,
          PRIMARY KEY (kind, legacy_id)
        );
        """,

        // 5: test outcomes per branch and commit, for the RUNTIME gates of the MSBuild integration.
        """
        CREATE TABLE test_results (
          id INTEGER PRIMARY KEY,
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

        // 6: what each check found as it found it (findings keeps one row per signature for the run), for `findings`
        // per FIX round; and a cancel that another process asked for.
        """
        CREATE TABLE job_findings (
          id INTEGER PRIMARY KEY,
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
        ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
        """,

        // 7: leases and fencing: a claim raises the job's token and may hold a lease (ms since 1970, database time);
        // writes from an owner whose token moved on are refused.
        """
        ALTER TABLE jobs ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
        CREATE INDEX ix_jobs_lease ON jobs (status, lease_until);
        """,

        // 8: only a running job's lease is ever looked up, so the lease index holds running jobs alone: a job's claim
        // and its end then change one small page of it, not up to three of an index of every job.
        """
        DROP INDEX ix_jobs_lease;
        CREATE INDEX ix_jobs_lease ON jobs (lease_until) WHERE status = 'running';
        """,
    ];

    public static int LatestVersion => All.Count;
}
