fn main() {
    // The app configuration lives at the workspace root, beside the workspace manifest.
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build failed");
}
