//! `glassbox-kernel`: the Jupyter kernel of the "Rust · glassbox" kernelspec.
//!
//! evcxr (the library behind evcxr_jupyter) compiles and runs the cells; this binary speaks the
//! Jupyter protocol around it and adds the glassbox display channel, so a cell can show any number
//! of outputs while it runs and update them in place (`display_data`, `update_display_data`).
//!
//! ```text
//! glassbox-kernel --control_file CONNECTION.json   (what kernel.json runs, via kernel/launch.sh)
//! glassbox-kernel --version
//! ```

mod connection;
mod offsets;
mod outputs;
mod report;
mod server;
mod wire;

use std::process::ExitCode;

fn main() -> ExitCode {
    // The same binary is evcxr's evaluation process and its rustc wrapper: those never return.
    evcxr::runtime_hook();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["--control_file" | "--connection-file" | "-f", path, ..] => {
            let result = connection::ConnectionInfo::read(std::path::Path::new(path))
                .and_then(|info| server::run(&info));
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("glassbox-kernel: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        ["--version"] => {
            println!(
                "glassbox-kernel {} (evcxr 0.22.0)",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "usage: glassbox-kernel --control_file CONNECTION_FILE\n\
                 (Jupyter runs it through the glassbox-rust kernelspec; see kernel/install.sh)"
            );
            ExitCode::from(2)
        }
    }
}
