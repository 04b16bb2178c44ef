#!/usr/bin/env bash
# Packs Orch.Tool, Orch.MSBuild and Orch.Abstractions into a local feed folder.
#   build/pack.sh [FEED_DIR] [VERSION]
# Every local pack gets its own version (a reused one would be served stale from the NuGet cache).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="${1:-$root/artifacts/feed}"
version="${2:-0.1.0-local.$(date -u +%Y%m%d%H%M%S).$RANDOM}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$feed"
for project in Orch.Abstractions Orch.Cli Orch.MSBuild; do
  dotnet pack "$root/src/$project/$project.csproj" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done
echo "$version"
