fn main() {
    // tauri.conf.json beside this manifest, where the Tauri CLI's bundler looks too.
    tauri_build::build()
}
