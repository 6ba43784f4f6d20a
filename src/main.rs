fn main() -> std::process::ExitCode {
    addon_conformance::cli::main()
}
