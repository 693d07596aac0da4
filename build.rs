//! On Windows targets: embed the app icon and version information in the exe.
//! (Cross-builds from Linux use mingw's `x86_64-w64-mingw32-windres`.)

fn main() {
    println!("cargo:rerun-if-changed=assets/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("assets/icon.ico")
        .set("ProductName", "netdbg")
        .set(
            "FileDescription",
            "netdbg — 网络调试助手 (network debugging assistant)",
        );
    if let Err(error) = resource.compile() {
        // The exe still works without an icon; say why it has none.
        println!("cargo:warning=no icon or version info embedded: {error}");
    }
}
