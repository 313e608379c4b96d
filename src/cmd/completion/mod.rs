//! `kubectl sa completion SHELL` (static scripts from clap_complete), the hidden `kubectl sa man` (man pages from
//! clap_mangen), and the dynamic completion entry point that kubectl 1.26+ calls for `kubectl sa <TAB>`:
//! `kubectl_complete-sa ARGS... CURRENT` (the shim in completions/, or a symlink named `kubectl_complete-sa` to
//! the binary), which runs `kubectl-sa __complete ARGS... CURRENT`. The candidates come from [`complete`].

pub mod complete;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionArgs, ManArgs};

/// The name the hidden dynamic-completion subcommand is called by (as cobra programs do).
pub const COMPLETE_SUBCOMMAND: &str = "__complete";
/// The executable kubectl looks for on PATH to complete the arguments of the `sa` plugin.
pub const COMPLETE_EXECUTABLE: &str = "kubectl_complete-sa";
/// The name of the binary the static scripts complete (run directly, not through kubectl).
pub const BIN_NAME: &str = "kubectl-sa";

/// `kubectl sa completion SHELL`.
pub fn run(args: &CompletionArgs, out: &mut dyn Write) -> Result<ExitCode> {
    out.write_all(&script(args.shell))?;
    Ok(ExitCode::SUCCESS)
}

/// The completion script for `shell`, completing the `kubectl-sa` binary (the file checked in under completions/).
pub fn script(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN_NAME, &mut buf);
    buf
}

/// The file name of the checked-in script for `shell` under completions/.
pub fn script_file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => format!("{BIN_NAME}.bash"),
        Shell::Zsh => format!("_{BIN_NAME}"),
        Shell::Fish => format!("{BIN_NAME}.fish"),
        Shell::PowerShell => format!("_{BIN_NAME}.ps1"),
        Shell::Elvish => format!("{BIN_NAME}.elv"),
        _ => format!("{BIN_NAME}.{shell}"),
    }
}

/// Every shell `completion` supports.
pub fn shells() -> [Shell; 5] {
    [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish]
}

/// The man pages: `kubectl-sa.1` and `kubectl-sa-SUBCOMMAND.1` for every visible subcommand, as (file name, roff).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        man.render(&mut buf).context("cannot render the man page")?;
        pages.push((man.get_filename(), buf));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, pages)?;
        }
        Ok(())
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages)?;
    Ok(pages)
}

/// `kubectl sa man [--dir DIR]`.
pub fn run_man(args: &ManArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let pages = man_pages()?;
    match &args.dir {
        None => out.write_all(&pages[0].1)?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            for (name, roff) in &pages {
                let path = dir.join(name);
                std::fs::write(&path, roff).with_context(|| format!("cannot write {}", path.display()))?;
                writeln!(out, "{}", path.display())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The words to complete if this invocation is a dynamic completion request: the program was run as
/// `kubectl_complete-sa ARGS...` (a symlink or copy of the binary with that name) or as `kubectl-sa __complete
/// ARGS...`. Returns None for every other invocation.
pub fn completion_request(args: &[OsString]) -> Option<Vec<String>> {
    let argv0 = args.first().map(Path::new).and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or_default();
    let name = argv0.strip_suffix(".exe").unwrap_or(argv0);
    let words = if name == COMPLETE_EXECUTABLE {
        &args[1..]
    } else if args.get(1).is_some_and(|a| a == COMPLETE_SUBCOMMAND) {
        &args[2..]
    } else {
        return None;
    };
    Some(words.iter().map(|w| w.to_string_lossy().into_owned()).collect())
}

/// Prints the candidates for `words` (the plugin's arguments, the last one being completed) in kubectl's
/// plugin-completion format: one candidate a line, optionally a tab and a description, then `:DIRECTIVE`.
/// Completion never fails: whatever cannot be read (a cluster that is down, a kubeconfig that asks for a login)
/// yields fewer candidates, within a bounded time.
pub fn run_complete(words: &[String], out: &mut dyn Write) -> Result<ExitCode> {
    let completions = complete::complete(words);
    out.write_all(completions.render().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
