//! `wasmlinux`: the command-line host (see `cli`).

use clap::Parser;
use std::io::Write;
use wasmlinux_bridge::cli::{run, Cli, Command};

fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WASMLINUX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let code = match cli.command {
        Command::Run(args) => match run(args) {
            Ok(code) => code,
            Err(fail) => {
                eprintln!("wasmlinux: {}", fail.0);
                fail.1
            }
        },
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}
