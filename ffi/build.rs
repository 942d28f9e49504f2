//! Gives libcorsguard.so an ELF soname that changes whenever the ABI may break (0.MINOR before 1.0, MAJOR
//! after), so a program linked against one ABI never loads another. ffi/Makefile installs the same name.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "android" || target_os.ends_with("bsd") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
        let abi = if major == "0" { format!("0.{minor}") } else { major };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcorsguard.so.{abi}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
