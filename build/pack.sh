#!/usr/bin/env bash
# Packs Orch.Tool, Orch.MSBuild and Orch.Abstractions into a local feed folder.
#   build/pack.sh [FEED_DIR] [VERSION]
# Every local pack gets its own version (a reused one would be served stale from the NuGet cache).
# Orch.Tool is packed once per platform in ORCH_TOOL_RUNTIMES, precompiled (ReadyToRun), plus `any`, the portable
# package every other platform falls back to, and a small Orch.Tool package that points at them. Tests pack only
# their own platform and `any`: each platform takes about 20 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="${1:-$root/artifacts/feed}"
version="${2:-0.1.0-local.$(date -u +%Y%m%d%H%M%S).$RANDOM}"
runtimes="${ORCH_TOOL_RUNTIMES:-linux-x64;linux-arm64;osx-arm64;osx-x64;win-x64;any}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$feed"
for project in Orch.Abstractions Orch.Cli Orch.MSBuild; do
  extra=()
  if [[ "$project" == Orch.Cli ]]; then extra=("-p:OrchToolRuntimes=\"$runtimes\""); fi
  dotnet pack "$root/src/$project/$project.csproj" -c Release -o "$feed" -p:Version="$version" "${extra[@]}" --nologo -v quiet
done
echo "$version"
