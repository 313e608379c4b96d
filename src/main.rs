use std::process::ExitCode;

// Loading a large cluster is hundreds of thousands of small allocations: mimalloc makes them about twice as cheap
// as glibc's malloc (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's C API (linked through the mimalloc crate), for the one option set below.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the test below checks the number).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> ExitCode {
    // A run is short and its memory peaks near its end: returning freed pages to the kernel only to fault fresh
    // zeroed ones back in took a diff of two 1x snapshots 1.0-2.0 s of system time, 0.55 s without (and about
    // 10% more peak memory). -1: never purge.
    // SAFETY: sets an integer option; mimalloc allows this at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is mimalloc's purge delay: a child of this test binary started with
    /// MIMALLOC_PURGE_DELAY=1234 reads 1234 under that number.
    #[test]
    fn the_purge_delay_option_number_is_mimallocs() {
        if std::env::var_os("KUBECTL_SA_PURGE_DELAY_CHILD").is_some() {
            // SAFETY: reads an integer option.
            assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 1234);
            return;
        }
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "tests::the_purge_delay_option_number_is_mimallocs", "--test-threads=1"])
            .env("KUBECTL_SA_PURGE_DELAY_CHILD", "1")
            .env("MIMALLOC_PURGE_DELAY", "1234")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "the child read another value under option {MI_OPTION_PURGE_DELAY}");
    }
}
