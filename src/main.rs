use std::process::ExitCode;

fn main() -> ExitCode {
    match kubectl_sa::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`kubectl sa ... | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
