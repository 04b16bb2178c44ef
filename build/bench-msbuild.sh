#!/usr/bin/env bash
# What Orch.MSBuild adds to an incremental `dotnet build` of the demo sample: the same build with and without the
# package (STATIC on), in this one invocation. Prints both medians and the ratio; the goal is under 10%.
#   build/bench-msbuild.sh [ROUNDS]   (default 10)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-10}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version=$(bash "$root/build/pack.sh" "$work/feed" | tail -n 1)

setup() { # setup DIR WITH_PACKAGE
  cp -r "$root/samples/demo/src/Calc" "$1"
  cp "$root/samples/demo/Directory.Build.props" "$root/samples/demo/Directory.Packages.props" "$1/"
  printf '<configuration><packageSources><add key="orch" value="%s" /></packageSources></configuration>\n' "$work/feed" > "$1/nuget.config"
  if [[ "$2" == yes ]]; then
    sed -i "s|</Project>|  <ItemGroup><PackageReference Include=\"Orch.MSBuild\" Version=\"$version\" PrivateAssets=\"all\" /></ItemGroup>\n</Project>|" "$1/Calc.csproj"
  fi
  (cd "$1" && git init -q && dotnet build -p:OrchStaticEnabled=true -v q >/dev/null)
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

time_builds() { # time_builds DIR
  for _ in $(seq "$rounds"); do
    local t0 t1
    t0=$(date +%s%N); (cd "$1" && dotnet build -p:OrchStaticEnabled=true -v q >/dev/null); t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  done | median
}

setup "$work/without" no
setup "$work/with" yes
without=$(time_builds "$work/without")
with=$(time_builds "$work/with")
awk -v a="$without" -v b="$with" -v n="$rounds" 'BEGIN {
  printf "incremental dotnet build, median of %d:\n", n
  printf "  without Orch.MSBuild: %6d ms\n", a
  printf "  with Orch.MSBuild:    %6d ms\n", b
  printf "  ratio:                %6.2fx (%+.1f%%; goal under +10%%)\n", b / a, (b - a) * 100 / a
}'
