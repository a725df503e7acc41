fn main() -> std::process::ExitCode {
    zoom_relay::cli::main()
}
