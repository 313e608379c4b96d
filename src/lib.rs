//! kubectl-sa: exact answers to "who can do this?", "what can this ServiceAccount do?" and "why?".
//!
//! Layout (imports point down; `tests/repository.rs` checks it, docs/architecture.md explains it):
//! - top: [`cli`] (flags) and [`cmd`] (one module per subcommand, completion under [`cmd::completion`]), then
//!   [`output`] (tables, JSON, YAML, color);
//! - middle: [`rbac`] (pure RBAC evaluation), [`request`] (a question's words -> requests and subjects),
//!   [`audit`], [`admission`], [`usage`], [`identity`] (authentication, tokens) and [`source`] (live or snapshot
//!   input -> the model, with its own [`source::ConnectionSettings`]);
//! - bottom: [`model`] (the cluster in memory, indexed; the request types) and [`catalogue`] (resource names).

pub mod admission;
pub mod audit;
pub mod catalogue;
pub mod cli;
pub mod cmd;
pub mod diff;
pub mod identity;
pub mod model;
pub mod output;
pub mod paths;
pub mod rbac;
pub mod request;
pub mod source;
pub mod usage;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use cli::{Cli, Command};
use source::Scope;

/// Parses the arguments, runs the subcommand and returns its exit status. Errors are returned, not printed.
pub fn run(args: impl IntoIterator<Item = OsString>) -> Result<ExitCode> {
    let args: Vec<OsString> = args.into_iter().collect();
    // `kubectl_complete-sa ...` / `kubectl-sa __complete ...`: the words are completed, not parsed.
    if let Some(words) = cmd::completion::completion_request(&args) {
        return cmd::completion::run_complete(&words, &mut std::io::stdout().lock());
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with status 2.
            e.print().context("cannot print usage")?;
            return Ok(ExitCode::from(if e.use_stderr() { 2 } else { 0 }));
        }
    };
    output::init_color(cli.color);
    // Converted even for snapshots, so a malformed --request-timeout is reported whatever the source.
    let connection = cli.connection.settings()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = match &cli.command {
        Command::Version => cmd::version::run(&mut out)?,
        Command::Completion(args) => cmd::completion::run(args, &mut out)?,
        Command::Man(args) => cmd::completion::run_man(args, &mut out)?,
        Command::WhoCan(args) => {
            // Without -A only the request namespace's RoleBindings count (and only its Namespace object is read);
            // groups expand over every ServiceAccount.
            let one = if args.request.flags.all_namespaces { Scope::AllNamespaces } else { Scope::Namespace(None) };
            let needs = source::Needs { rbac: one.clone(), namespaces: one, ..Default::default() };
            let loaded = runtime.block_on(source::load_with(&connection, &needs))?;
            let code = cmd::who_can::run(args, &loaded, &mut out)?;
            release_at_exit(loaded);
            code
        }
        Command::Explain(args) => cmd::explain::run(args, &connection, &runtime, &mut out)?,
        Command::Usage(args) => cmd::usage::run(args, &connection, &runtime, &mut out)?,
        Command::Matrix(args) => {
            let loaded = runtime.block_on(source::load_with(&connection, &cmd::matrix::needs(args)))?;
            let code = cmd::matrix::run(args, &loaded, &mut out)?;
            release_at_exit(loaded);
            code
        }
        Command::Bindings(args) => {
            let loaded = runtime.block_on(source::load(&connection))?;
            let code = cmd::bindings::run(args, &loaded, &mut out)?;
            release_at_exit(loaded);
            code
        }
        Command::List(args) => cmd::list::run(args, &connection, &runtime, &mut out)?,
        Command::Audit(args) => cmd::audit::run(args, &connection, &runtime, &mut out)?,
        Command::Paths(args) => {
            let needs = source::Needs { all_workloads: true, ..Default::default() };
            let loaded = runtime.block_on(source::load_with(&connection, &needs))?;
            let code = cmd::paths::run(args, &loaded, &mut out)?;
            release_at_exit(loaded);
            code
        }
        Command::Diff(args) => cmd::diff::run(args, &connection, &runtime, &mut out)?,
        Command::Report(args) => cmd::report::run(args, &connection, &runtime, &mut out)?,
        Command::Token(cli::TokenCommand::Inspect(args)) => cmd::token::run(args, &connection, &runtime, &mut out)?,
    };
    out.flush()?;
    Ok(code)
}

/// Leaves a loaded cluster to the operating system: the process ends right after the answer is written, and
/// freeing the 1x world's model object by object takes 15 ms.
fn release_at_exit(loaded: source::Loaded) {
    std::mem::forget(loaded);
}
