#!/usr/bin/env bash
# Orch against a baseline measured in this same invocation, one row per figure, printed as one table at the end:
#   1. 1,000 trivial jobs through the queue with 2 workers (the installed tool), against `xargs -P 2` running the same
#      processes; the same jobs through a floor, Orch's supervisor and SQL without its layers; and 1,000 more given to a
#      worker that is already running (no start-up, its code already compiled);
#   2. start-up: `dotnet orch --version` and `status` (with no database and a fresh one) as `dotnet tool install` gives
#      the tool here (its platform's precompiled package), and `status` from the portable build, against a bare console
#      app started the same way, with two floors: a bare app that only reads SQLite, through Microsoft.Data.Sqlite and
#      through SQLite's C API;
#   3. `status` and `events RUN` on a database holding 100,000 events of earlier runs, against the same on a copy
#      of it from before that history (the same run, the same output);
#   4. the MSBuild hook: an incremental `dotnet build` with Orch.MSBuild against one without (build/bench-msbuild.sh);
#   5. a DAG of 24 workstreams with --parallel 4, against the ideal ready-queue makespan of the same DAG;
#   6. Orch's cost per workstream (worktree, checkpoint, merge, cleanup) against the same git commands run bare;
#   7. `plan` of 8,000 workstreams against 1,000 (near-linear is a ratio near 8);
#   8. PostgreSQL (a throwaway server from build/postgres.sh): sleep-bound jobs on 1, 2 and 4 running worker processes,
#      from submit to the last completion (goal: 4 workers at least 3.5x the jobs/s of one), and the trivial jobs of
#      row 1 on PostgreSQL against SQLite (start-up included in both).
#   build/bench.sh [JOBS] [--no-msbuild]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs=1000
msbuild=yes
for arg in "$@"; do
  case "$arg" in
    --no-msbuild) msbuild=no ;;
    *) jobs="$arg" ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build "$root/src/Orch.Cli/Orch.Cli.csproj" -c Release --nologo -v quiet >/dev/null
orch=(dotnet "$root/src/Orch.Cli/bin/Release/net10.0/Orch.Cli.dll")
work="$(mktemp -d)"
# PostgreSQL runs as its own user when this runs as root (row 8): it must be able to reach its data folder.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
now_ms() { date +%s%3N; }
# row NAME ORCH_MS BASELINE_NAME BASELINE_MS [NOTE]
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$rows"; }
# The median wall time in ms of N runs of a command.
median_ms() {
  local n=$1; shift
  for _ in $(seq "$n"); do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# The tool as `dotnet tool install` gives it on this machine (its platform's package, precompiled), which rows 1 and 2
# run, and a bare console app for row 2.
mkdir -p "$work/hello"
cat > "$work/hello/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>
XML
echo 'System.Console.WriteLine("1.0.0");' > "$work/hello/Program.cs"
cp "$root/global.json" "$work/hello/" 2>/dev/null || true
dotnet build "$work/hello/hello.csproj" -c Release --nologo -v quiet -o "$work/hello/out" >/dev/null
rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)
tool_version="0.0.0-bench.$(date +%s)"
dotnet pack "$root/src/Orch.Cli/Orch.Cli.csproj" -c Release -o "$work/feed" -p:Version="$tool_version" "-p:OrchToolRuntimes=\"$rid\"" \
  --nologo -v quiet >/dev/null
dotnet tool install Orch.Tool --tool-path "$work/tool" --add-source "$work/feed" --version "$tool_version" >/dev/null
tool=("$work/tool/dotnet-orch")

# 1. The queue, run by the installed tool. The machine is noisy (one run varies by 0.1 ms per job), so each figure is the
# median of BENCH_ROUNDS rounds (default 3), each round timing xargs, the empty drain and the full drain one after the
# other; the note gives the rounds' range of bookkeeping.
rounds="${BENCH_ROUNDS:-3}"
mkdir -p "$work/jobs"
for i in $(seq -w 1 "$jobs"); do printf 'id: bench-%s\ncommand: [true]\n' "$i" > "$work/jobs/job-$i.yaml"; done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$work/queue.rounds"
for round in $(seq "$rounds"); do
  rm -rf "$work/queue"; mkdir -p "$work/queue/.orch"; cp -r "$work/jobs" "$work/queue/jobs"
  cd "$work/queue"
  t0=$(now_ms); seq "$jobs" | xargs -P 2 -I{} true; t1=$(now_ms); x=$((t1 - t0))
  t0=$(now_ms); "${tool[@]}" worker --drain -v q >/dev/null; t1=$(now_ms); s=$((t1 - t0))
  "${tool[@]}" job submit jobs -v q >/dev/null
  # The CPU of the worker, its supervisor and the jobs, from bash's own clock of its children.
  TIMEFORMAT='%U %S'
  t0=$(now_ms); { time "${tool[@]}" worker --drain --parallel 2 -v q >/dev/null; } 2> "$work/queue.cpu"; t1=$(now_ms); o=$((t1 - t0))
  unset TIMEFORMAT
  done_count=$("${tool[@]}" status --format json | grep -o '"succeeded":[0-9]*' | cut -d: -f2)
  [[ "$done_count" == "$jobs" ]] || { echo "only ${done_count:-0} of $jobs jobs succeeded" >&2; exit 1; }
  echo "$x $s $o $(tail -n 1 "$work/queue.cpu")" >> "$work/queue.rounds"
done
xargs_ms=$(cut -d' ' -f1 "$work/queue.rounds" | median)
startup_ms=$(cut -d' ' -f2 "$work/queue.rounds" | median)
orch_ms=$(cut -d' ' -f3 "$work/queue.rounds" | median)
# Each round's bookkeeping (its drain less its empty drain and its xargs) and CPU per job, sorted for the median.
bookkeeping=$(awk -v n="$jobs" '{ printf "%.2f\n", ($3 - $2 - $1) / n }' "$work/queue.rounds" | sort -n)
cpu_per_job=$(awk -v n="$jobs" '{ printf "%.2f\n", ($4 + $5) * 1000 / n }' "$work/queue.rounds" | median)
row "queue: $jobs true jobs, 2 workers" "$orch_ms" "xargs -P 2" "$xargs_ms" \
  "$(median <<< "$bookkeeping") ms bookkeeping/job (median of $rounds rounds, $(head -n 1 <<< "$bookkeeping") to $(tail -n 1 <<< "$bookkeeping")), $cpu_per_job ms CPU/job with the jobs"

# 1c. A floor for row 1: Orch's process model without its execution layers. One thread per slot, each with a job
# supervisor of its own (Orch's, the same protocol and exit ledger), blocking reads of the replies and the job's pipes,
# and per job the transaction a worker writes (the completion: job row, attempt, three events; the next claim: job row,
# one event) through Microsoft.Data.Sqlite. What Orch spends beyond this is its own structure: async hand-offs between
# threads, one supervisor shared by the slots, and the layers around a job (retries, breaker, events, log, leases).
sqlite_version=$(sed -n 's/.*Include="Microsoft.Data.Sqlite" Version="\([^"]*\)".*/\1/p' "$root/Directory.Packages.props")
mkdir -p "$work/lean"
cat > "$work/lean/leanworker.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
<ImplicitUsings>enable</ImplicitUsings><AllowUnsafeBlocks>true</AllowUnsafeBlocks><InvariantGlobalization>true</InvariantGlobalization></PropertyGroup>
<ItemGroup><PackageReference Include="Microsoft.Data.Sqlite" Version="$sqlite_version" /></ItemGroup></Project>
XML
cat > "$work/lean/Program.cs" <<'CS'
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

// leanworker SUPERVISOR_EXE PARALLEL: drains .orch/state.db
var db = new SqliteConnection("Data Source=.orch/state.db;Pooling=False");
db.Open();
using (var pragma = db.CreateCommand())
{
    pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
    pragma.ExecuteNonQuery();
}
var ledgers = Path.GetFullPath(".orch/lean-exits");
Directory.CreateDirectory(ledgers);
var slots = Enumerable.Range(0, int.Parse(args[1])).Select(i => new Thread(() => Slot(i))).ToList();
slots.ForEach(t => t.Start());
slots.ForEach(t => t.Join());

void Slot(int slot)
{
    var start = new ProcessStartInfo(args[0]) { RedirectStandardInput = true, RedirectStandardOutput = true };
    start.ArgumentList.Add("--orch-job-supervisor");
    start.ArgumentList.Add(Environment.ProcessId.ToString());
    start.Environment["DOTNET_TieredCompilation"] = "0";
    using var supervisor = Process.Start(start)!;
    var requests = supervisor.StandardInput.BaseStream;
    var store = new Store(db);
    var owner = $"lean-{slot}";
    var ledger = Path.Combine(ledgers, $"{owner}.exits");
    var job = store.Write(tx => store.Claim(tx, owner));
    for (long id = 1; job is not null; id++)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.GetTimestamp();
        var pipes = Native.Pipes();
        // ID LEDGER KEY DIRECTORY STDIN STDOUT STDERR REPLY ARGC ARGV ENVC: no input, answers on the supervisor's output.
        string[] fields = [id.ToString(), ledger, job.Id, Environment.CurrentDirectory, "-1", pipes[1].ToString(), pipes[3].ToString(), "-1", "1", "/usr/bin/true", "0"];
        requests.Write(Encoding.UTF8.GetBytes(string.Join('\0', fields) + "\0"));
        requests.Flush();
        _ = supervisor.StandardOutput.ReadLine(); // S ID PID START LEDGERED: the supervisor holds its ends now
        Native.Close(pipes[1]);
        Native.Close(pipes[3]);
        var code = int.Parse(supervisor.StandardOutput.ReadLine()!.Split(' ')[2]); // E ID CODE
        Native.Drain(pipes[0]);
        Native.Drain(pipes[2]);
        var finished = job;
        job = store.Write(tx =>
        {
            store.Complete(tx, finished, code, started, Stopwatch.GetElapsedTime(clock));
            return store.Claim(tx, owner);
        });
    }

    requests.Close();
    supervisor.WaitForExit();
}

sealed record Job(string Id, string? RunId, long Fence, string Name, string Tool);

// The statements a worker runs for each job, prepared once per slot; one connection, one writer at a time.
sealed class Store(SqliteConnection db)
{
    private static readonly object Gate = new();
    private readonly Dictionary<string, SqliteCommand> _commands = [];

    public T Write<T>(Func<SqliteTransaction, T> work)
    {
        lock (Gate)
        {
            using var tx = db.BeginTransaction(deferred: false);
            var result = work(tx);
            tx.Commit();
            return result;
        }
    }

    public Job? Claim(SqliteTransaction tx, string owner)
    {
        var claim = Command(tx, "UPDATE jobs SET status = 'running', started_at = @now, owner_id = @owner, owner_host = 'lean', owner_pid = 0, owner_start = 0, " +
            "fence = fence + 1 WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' ORDER BY priority DESC, seq LIMIT 1) RETURNING id, run_id, fence, name, tool, spec;",
            ("@now", Now()), ("@owner", owner));
        Job? job = null;
        using (var reader = claim.ExecuteReader())
        {
            if (reader.Read())
            {
                job = new Job(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
                using var spec = System.Text.Json.JsonDocument.Parse(reader.GetString(5));
            }
        }

        if (job is not null)
        {
            Event(tx, "job.started", job, $"{{\"name\":\"{job.Name}\",\"tool\":\"{job.Tool}\",\"owner\":\"{owner}\"}}");
        }

        return job;
    }

    public void Complete(SqliteTransaction tx, Job job, int code, DateTimeOffset started, TimeSpan duration)
    {
        var status = code == 0 ? "succeeded" : "failed";
        Command(tx, "UPDATE jobs SET status = @status, finished_at = @now, exit_code = @exit, attempts = attempts + 1, lease_until = NULL " +
            "WHERE id = @id AND fence = @fence AND status = 'running';", ("@status", status), ("@now", Now()), ("@exit", code), ("@id", job.Id), ("@fence", job.Fence))
            .ExecuteNonQuery();
        Command(tx, "INSERT INTO attempts (job_id, round, number, status, exit_code, started_at, duration_ms, delay_ms) VALUES (@job, 0, 1, @status, @exit, @started, @duration, 0);",
            ("@job", job.Id), ("@status", status), ("@exit", code), ("@started", started.UtcDateTime.ToString("O")), ("@duration", (long)duration.TotalMilliseconds))
            .ExecuteNonQuery();
        Event(tx, "attempt.started", job, "{\"number\":1}");
        Event(tx, "attempt.finished", job, $"{{\"number\":1,\"status\":\"{status}\",\"exit_code\":{code}}}");
        Event(tx, "job.finished", job, $"{{\"status\":\"{status}\",\"exit_code\":{code},\"attempts\":1}}");
    }

    private void Event(SqliteTransaction tx, string kind, Job job, string data) =>
        Command(tx, "INSERT INTO events (ts, kind, run_id, job_id, data) VALUES (@ts, @kind, @run, @job, @data);",
            ("@ts", Now()), ("@kind", kind), ("@run", job.RunId), ("@job", job.Id), ("@data", data)).ExecuteNonQuery();

    private SqliteCommand Command(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            _commands[sql] = command = db.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = tx;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("O");
}

static unsafe class Native
{
    // The job's output and error, close-on-exec; the supervisor opens the write ends through /proc.
    public static int[] Pipes()
    {
        var fds = new int[4];
        fixed (int* p = fds)
        {
            if (pipe2(p, 0x80000) != 0 || pipe2(p + 2, 0x80000) != 0)
            {
                throw new IOException("pipe2 failed");
            }
        }

        return fds;
    }

    public static void Drain(int fd)
    {
        var buffer = stackalloc byte[4096];
        while (read(fd, buffer, 4096) > 0)
        {
        }

        Close(fd);
    }

    [DllImport("libc", EntryPoint = "close")]
    public static extern int Close(int fd);

    [DllImport("libc")]
    private static extern int pipe2(int* fds, int flags);

    [DllImport("libc")]
    private static extern nint read(int fd, byte* buffer, nint count);
}
CS
dotnet publish "$work/lean/leanworker.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/lean/out" --nologo -v quiet >/dev/null
mkdir -p "$work/lean/empty/.orch" "$work/lean/queue/.orch"
cp -r "$work/queue/jobs" "$work/lean/queue/jobs"
cd "$work/lean/empty"; "${tool[@]}" worker --drain -v q >/dev/null
t0=$(now_ms); "$work/lean/out/leanworker" "${tool[0]}" 2; t1=$(now_ms); lean_startup_ms=$((t1 - t0))
cd "$work/lean/queue"; "${tool[@]}" job submit jobs -v q >/dev/null
t0=$(now_ms); "$work/lean/out/leanworker" "${tool[0]}" 2; t1=$(now_ms); lean_ms=$((t1 - t0))
lean_done=$(python3 -c "import sqlite3; print(sqlite3.connect('.orch/state.db').execute(\"SELECT count(*) FROM jobs WHERE status = 'succeeded'\").fetchone()[0])")
[[ "$lean_done" == "$jobs" ]] || { echo "the floor ran only ${lean_done:-0} of $jobs jobs" >&2; exit 1; }
row "floor: the same jobs, Orch's supervisor and SQL without its layers" "$lean_ms" "xargs -P 2" "$xargs_ms" \
  "$(awk -v o="$lean_ms" -v s="$lean_startup_ms" -v x="$xargs_ms" -v n="$jobs" 'BEGIN { printf "%.2f ms bookkeeping/job", (o - s - x) / n }')"

# 1b. The same jobs given to a worker that is already running and has run 1,000 jobs before: no start-up, no first-use
# compilation. Two `sleep` jobs hold both slots while the batch is submitted; the time is from the first of them to end
# to the batch's last job's end, by the jobs' own records.
mkdir -p "$work/warm/.orch" "$work/warm/nap"
cp -r "$work/queue/jobs" "$work/warm/jobs"
for i in 1 2; do printf 'id: nap-%s\ncommand: [sleep, "2"]\n' "$i" > "$work/warm/nap/nap-$i.yaml"; done
mkdir -p "$work/warm/more"
for i in $(seq -w 1 "$jobs"); do printf 'id: more-%s\ncommand: [true]\n' "$i" > "$work/warm/more/job-$i.yaml"; done
cd "$work/warm"
# Waits until N jobs have succeeded, for at most five minutes.
succeeded() {
  local deadline=$((SECONDS + 300))
  until [[ "$(python3 -c "import sqlite3; print(sqlite3.connect('.orch/state.db').execute(\"SELECT count(*) FROM jobs WHERE status = 'succeeded'\").fetchone()[0])")" == "$1" ]]; do
    (( SECONDS < deadline )) || { echo "the running worker did not finish $1 jobs" >&2; kill "$warm_pid"; exit 1; }
    sleep 0.2
  done
}
"${tool[@]}" worker --parallel 2 -v q >/dev/null 2>&1 & warm_pid=$!
"${tool[@]}" job submit jobs -v q >/dev/null
succeeded "$jobs"
"${tool[@]}" job submit nap -v q >/dev/null
sleep 0.3
"${tool[@]}" job submit more -v q >/dev/null
succeeded "$((2 * jobs + 2))"
kill "$warm_pid"; wait "$warm_pid" 2>/dev/null || true
warm_ms=$(python3 - <<'PY'
import datetime, sqlite3
db = sqlite3.connect(".orch/state.db")
at = datetime.datetime.fromisoformat
freed = db.execute("SELECT min(finished_at) FROM jobs WHERE json_extract(spec, '$.name') LIKE 'nap-%'").fetchone()[0]
last = db.execute("SELECT max(finished_at) FROM jobs WHERE json_extract(spec, '$.name') LIKE 'more-%'").fetchone()[0]
print(round((at(last) - at(freed)).total_seconds() * 1000))
PY
)
row "queue: $jobs more true jobs, a running worker" "$warm_ms" "xargs -P 2" "$xargs_ms" \
  "$(awk -v o="$warm_ms" -v x="$xargs_ms" -v n="$jobs" 'BEGIN { printf "%.2f ms bookkeeping/job once warm", (o - x) / n }')"

# 2. Start-up of the tool (installed above) against a bare console app started the same way (its own apphost); and of
# the portable build (`dotnet Orch.Cli.dll`, what the `any` package gives other platforms) against the bare app run by `dotnet`.
mkdir -p "$work/empty/.orch"; cd "$work/empty"
hello_ms=$(median_ms 10 "$work/hello/out/hello")
hello_dotnet_ms=$(median_ms 10 dotnet "$work/hello/out/hello.dll")
row "start-up: --version" "$(median_ms 10 "${tool[@]}" --version)" "bare console app" "$hello_ms"
row "start-up: status, no database yet" "$(median_ms 10 "${tool[@]}" status)" "bare console app" "$hello_ms"
# A fresh database: the schema and one job. Opening SQLite at all is most of what status costs.
printf 'id: seed\ncommand: [true]\n' > seed.yaml
"${tool[@]}" job run seed.yaml -v q >/dev/null
row "start-up: status, fresh database" "$(median_ms 10 "${tool[@]}" status)" "bare console app" "$hello_ms"
row "start-up: status --format json, fresh database" "$(median_ms 10 "${tool[@]}" status --format json)" "bare console app" "$hello_ms"
row "start-up: status, fresh database, portable build" "$(median_ms 10 "${orch[@]}" status)" "bare console app (dotnet app.dll)" "$hello_dotnet_ms" \
  "no ReadyToRun"
# What a bare precompiled app pays to open the file and count jobs through Microsoft.Data.Sqlite (not named "sqlite":
# NuGet would see a cycle with the SQLite package).
sqlite_version=$(sed -n 's/.*Include="Microsoft.Data.Sqlite" Version="\([^"]*\)".*/\1/p' "$root/Directory.Packages.props")
mkdir -p "$work/sqlite"
cat > "$work/sqlite/sqlitefloor.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><InvariantGlobalization>true</InvariantGlobalization></PropertyGroup>
<ItemGroup><PackageReference Include="Microsoft.Data.Sqlite" Version="$sqlite_version" /></ItemGroup></Project>
XML
cat > "$work/sqlite/Program.cs" <<'CS'
using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={args[0]};Mode=ReadOnly;Pooling=False");
connection.Open();
using var command = connection.CreateCommand();
command.CommandText = "SELECT count(*) FROM jobs";
System.Console.WriteLine(command.ExecuteScalar());
CS
cp "$root/global.json" "$work/sqlite/" 2>/dev/null || true
dotnet publish "$work/sqlite/sqlitefloor.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/sqlite/out" --nologo -v quiet >/dev/null
row "floor: bare app reading SQLite, Microsoft.Data.Sqlite" "$(median_ms 10 "$work/sqlite/out/sqlitefloor" "$work/empty/.orch/state.db")" \
  "bare console app" "$hello_ms" "what Orch's store starts on"
# The same read through SQLite's C API alone (function pointers, no ADO.NET): what opening SQLite itself costs.
mkdir -p "$work/rawsqlite"
cat > "$work/rawsqlite/rawsqlite.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><InvariantGlobalization>true</InvariantGlobalization><AllowUnsafeBlocks>true</AllowUnsafeBlocks></PropertyGroup></Project>
XML
cat > "$work/rawsqlite/Program.cs" <<'CS'
using System.Runtime.InteropServices;
unsafe
{
    var lib = NativeLibrary.Load(System.IO.Path.Combine(System.AppContext.BaseDirectory, args[1]));
    var open = (delegate* unmanaged<byte*, nint*, int, byte*, int>)NativeLibrary.GetExport(lib, "sqlite3_open_v2");
    var prepare = (delegate* unmanaged<nint, byte*, int, nint*, byte**, int>)NativeLibrary.GetExport(lib, "sqlite3_prepare_v2");
    var step = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "sqlite3_step");
    var column = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "sqlite3_column_int");
    nint db, statement;
    fixed (byte* path = System.Text.Encoding.UTF8.GetBytes(args[0] + "\0"))
    fixed (byte* sql = "SELECT count(*) FROM jobs\0"u8)
    {
        open(path, &db, 1, null);
        prepare(db, sql, -1, &statement, null);
        step(statement);
        System.Console.WriteLine(column(statement, 0));
    }
}
CS
cp "$root/global.json" "$work/rawsqlite/" 2>/dev/null || true
dotnet publish "$work/rawsqlite/rawsqlite.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/rawsqlite/out" --nologo -v quiet >/dev/null
native=$(cd "$work/sqlite/out" && ls libe_sqlite3.* | head -n 1)
cp "$work/sqlite/out/$native" "$work/rawsqlite/out/"
row "floor: bare app reading SQLite, its C API" "$(median_ms 10 "$work/rawsqlite/out/rawsqlite" "$work/empty/.orch/state.db" "$native")" \
  "bare console app" "$hello_ms" "no SQLite reader starts faster"

# 3. status and events RUN on 100,000 events of other runs, against the same commands on a copy of the database taken
# before that history was added: the same run and the same output, so the ratio is what history costs.
mkdir -p "$work/big/.orch"; cd "$work/big"
printf 'id: seed\ncommand: [true]\n' > seed.yaml
"${orch[@]}" job run seed.yaml -v q >/dev/null
mkdir -p "$work/seeded"; cp -r "$work/big/.orch" "$work/seeded/.orch"
python3 - "$work/big/.orch/state.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
while db.execute("SELECT count(*) FROM events").fetchone()[0] < 100_000:
    # History of other runs: what a report of one run must not slow down with.
    db.execute("INSERT INTO events (ts, kind, run_id, workstream_id, job_id, data) SELECT ts, kind, 'run-old-' || id, workstream_id, job_id, data FROM events")
db.commit()
PY
run_id=$("${orch[@]}" status --format json | grep -o '"run_id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
cd "$work/seeded"; seeded_status=$(median_ms 5 "${orch[@]}" status); seeded_events=$(median_ms 5 "${orch[@]}" events "$run_id" --format json)
cd "$work/big"
row "status, 100,000 events of history" "$(median_ms 5 "${orch[@]}" status)" "the same without the history" "$seeded_status"
row "events RUN, 100,000 events of history" "$(median_ms 5 "${orch[@]}" events "$run_id" --format json)" "the same without the history" "$seeded_events"

# 4. The MSBuild hook.
if [[ "$msbuild" == yes ]]; then
  out=$(bash "$root/build/bench-msbuild.sh" 5)
  without=$(sed -n 's/.*without Orch.MSBuild: *\([0-9]*\) ms.*/\1/p' <<<"$out")
  with=$(sed -n 's/.*with Orch.MSBuild: *\([0-9]*\) ms.*/\1/p' <<<"$out")
  row "incremental dotnet build with Orch.MSBuild" "$with" "the same build without it" "$without" "median of 5"
fi

# 5. A DAG of 24 workstreams whose EDIT sleeps a known time, --parallel 4, against the ideal ready-queue schedule
# of the same DAG with zero overhead (a free slot takes the first ready workstream in plan order).
dag="$work/dag"; mkdir -p "$dag"; cd "$dag"
git init -q; git config user.name bench; git config user.email bench@localhost
ideal_ms=$(python3 - "$dag" <<'PY'
import random, sys, os
random.seed(12)
root = sys.argv[1]
n, slots = 24, 4
deps, dur = {}, {}
lines = ["workstreams:"]
for i in range(n):
    ws = f"w{i:02d}"
    earlier = [f"w{j:02d}" for j in range(max(0, i - 6), i)]
    deps[ws] = sorted(random.sample(earlier, min(len(earlier), random.choice([0, 1, 1, 2]))))
    dur[ws] = random.choice([0.5, 1.0, 1.5, 2.0, 3.0])
    os.makedirs(f"{root}/{ws}", exist_ok=True)
    open(f"{root}/{ws}/x.txt", "w").write("\n")
    lines.append(f"  - {{id: {ws}, depends_on: [{', '.join(deps[ws])}], files_scope: [{ws}/], "
                 f"edit: {{tool: script, command: [sh, -c, 'sleep {dur[ws]}; echo done > {ws}/x.txt']}}, static: [], runtime: []}}")
open(f"{root}/plan.yaml", "w").write("\n".join(lines) + "\n")
order = list(deps)
done, running, t = {}, {}, 0.0
while len(done) < n:
    for ws in order:
        if len(running) >= slots: break
        if ws in done or ws in running: continue
        if all(d in done and done[d] <= t for d in deps[ws]):
            running[ws] = t + dur[ws]
    t = min(running.values())
    for ws in [w for w, end in running.items() if end == t]:
        done[ws] = t
        del running[ws]
print(int(max(done.values()) * 1000))
PY
)
git add -A; git commit -qm dag
t0=$(now_ms); "${orch[@]}" run plan.yaml --parallel 4 -v q >/dev/null; t1=$(now_ms)
row "DAG of 24 workstreams, --parallel 4" "$((t1 - t0))" "ideal ready-queue makespan" "$ideal_ms" "goal <= 1.15x"
status_ms=$(median_ms 3 "${orch[@]}" status)

# 6. Per workstream: 24 instant workstreams, one at a time, with cleanup; against bare git doing the same.
flat="$work/flat"; mkdir -p "$flat"; cd "$flat"
git init -q; git config user.name bench; git config user.email bench@localhost
{ echo "workstreams:"; for i in $(seq -w 1 24); do mkdir -p "f$i"; echo > "f$i/x.txt"
  echo "  - {id: f$i, files_scope: [f$i/], edit: {tool: script, command: [sh, -c, 'echo done > f$i/x.txt']}, static: [], runtime: []}"; done; } > plan.yaml
git add -A; git commit -qm flat
bare="$work/bare"; git clone -q "$flat" "$bare"
t0=$(now_ms); "${orch[@]}" run plan.yaml -v q >/dev/null; "${orch[@]}" cleanup -v q >/dev/null; t1=$(now_ms)
flat_ms=$(( (t1 - t0 - 2 * status_ms) / 24 ))
cd "$bare"; git config user.name bench; git config user.email bench@localhost
t0=$(now_ms)
for i in $(seq -w 1 24); do
  git worktree add -q -b "b$i" "../wt$i" HEAD
  (cd "../wt$i" && echo done > "f$i/x.txt" && git add -A && git commit -qm edit)
  git merge -q --no-ff --no-edit "b$i"
  git worktree remove --force "../wt$i"; git branch -q -d "b$i"
done
t1=$(now_ms)
row "per workstream (worktree, checkpoint, merge, cleanup)" "$flat_ms" "the same git commands, bare" "$(( (t1 - t0) / 24 ))"

# 7. plan: loading, validation and waves, 8,000 workstreams against 1,000.
cd "$work"
python3 - <<'PY'
import random
for n in (1000, 8000):
    random.seed(n)
    with open(f"plan{n}.yaml", "w") as f:
        f.write("workstreams:\n")
        for i in range(n):
            deps = sorted({f"ws{random.randrange(i)}" for _ in range(min(i, 3))}) if i else []
            f.write(f"  - {{id: ws{i}, depends_on: [{', '.join(deps)}], files_scope: [src/m{i}/], "
                    f"edit: {{tool: script, command: [sh, e.sh]}}, static: [], runtime: []}}\n")
PY
row "plan of 8,000 workstreams" "$(median_ms 3 "${orch[@]}" plan plan8000.yaml --format json)" "plan of 1,000" "$(median_ms 3 "${orch[@]}" plan plan1000.yaml --format json)" "linear would be 8x"

# 8. PostgreSQL workers.
pg_dir="$work/pg"
if pg=$(bash "$root/build/postgres.sh" start "$pg_dir" "${ORCH_BENCH_POSTGRES_PORT:-55433}" 2>/dev/null); then
  trap 'bash "$root/build/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  # Each scenario in a schema of its own: the same server, an empty queue.
  pg_queue() {
    psql "$pg" -qtA -c "CREATE SCHEMA $1;" >/dev/null
    echo "$pg?options=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "-c search_path=$1")"
  }
  # Throughput once workers run: the workers start first and wait (LISTEN); the time is from the first job's start to
  # the last one's end, so neither start-up nor the submit is counted.
  sleepers=40
  mkdir -p "$work/pgsleep/jobs"
  for i in $(seq -w 1 "$sleepers"); do printf 'id: nap-%s\ncommand: [sleep, "0.5"]\n' "$i" > "$work/pgsleep/jobs/nap-$i.yaml"; done
  cd "$work/pgsleep"
  declare -A took
  for n in 1 2 4; do
    db=$(pg_queue "sleep$n")
    ORCH_DB="$db" "${orch[@]}" status >/dev/null
    pids=()
    for w in $(seq "$n"); do ORCH_DB="$db" ORCH_HOST="bench$w" "${orch[@]}" worker -v q >/dev/null 2>&1 & pids+=($!); done
    sleep 3
    ORCH_DB="$db" "${orch[@]}" job submit jobs -v q >/dev/null
    until [[ "$(psql "$db" -qtA -c "SELECT count(*) FROM jobs WHERE status = 'succeeded';")" == "$sleepers" ]]; do sleep 0.2; done
    # From the first job's start to the last one's end, by the jobs' own records.
    took[$n]=$(psql "$db" -qtA -c "SELECT round(1000 * (EXTRACT(EPOCH FROM max(finished_at::timestamptz)) - EXTRACT(EPOCH FROM min(started_at::timestamptz)))) FROM jobs;")
    kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true
  done
  for n in 2 4; do
    row "postgres: $sleepers sleep-0.5 jobs, $n workers" "${took[$n]}" "the same, 1 worker" "${took[1]}" \
      "$(awk -v a="${took[1]}" -v b="${took[$n]}" -v j="$sleepers" -v n="$n" 'BEGIN { printf "%.1f jobs/s, %.2fx one worker%s", j * 1000 / b, a / b, (n == 4 ? " (goal >= 3.5x)" : "") }')"
  done
  cd "$work/queue"
  db=$(pg_queue trivial)
  # The installed tool, as row 1.
  ORCH_DB="$db" "${tool[@]}" job submit jobs -v q >/dev/null
  t0=$(now_ms); ORCH_DB="$db" "${tool[@]}" worker --drain --parallel 2 -v q >/dev/null; t1=$(now_ms)
  row "postgres: $jobs true jobs, 2 workers" "$((t1 - t0))" "the same on SQLite (row 1)" "$orch_ms" \
    "$(awk -v t="$((t1 - t0))" -v n="$jobs" 'BEGIN { printf "%.0f jobs/s", n * 1000 / t }')"
else
  echo "note: no PostgreSQL server could be started; its rows are left out" >&2
fi

echo
awk -F'\t' 'BEGIN { printf "%-52s %10s   %-30s %10s %8s   %s\n", "benchmark", "orch ms", "baseline", "ms", "ratio", "note" }
  { printf "%-52s %10d   %-30s %10d %7.2fx   %s\n", $1, $2, $3, $4, ($4 > 0 ? $2 / $4 : 0), $5 }' "$rows"
