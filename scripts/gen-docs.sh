#!/usr/bin/env bash
# Regenerates the checked-in shell completion scripts (completions/) and man pages (man/) from the binary.
# tests/completion.rs fails when they differ from what the binary generates: run this after changing flags,
# subcommands or help text, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --locked --bin kubectl-sa
bin="${CARGO_TARGET_DIR:-target}/debug/kubectl-sa"
"$bin" completion bash > completions/kubectl-sa.bash
"$bin" completion zsh > completions/_kubectl-sa
"$bin" completion fish > completions/kubectl-sa.fish
"$bin" completion powershell > completions/_kubectl-sa.ps1
"$bin" completion elvish > completions/kubectl-sa.elv
rm -rf man
"$bin" man --dir man > /dev/null
echo "gen-docs.sh: completions/ and man/ regenerated" >&2
