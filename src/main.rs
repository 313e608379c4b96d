use std::process::ExitCode;

// Loading a large cluster is hundreds of thousands of small allocations: mimalloc makes them about twice as cheap
// as glibc's malloc (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
