//! Embeds the static verification page (`ui/dist-verify/verify.html`,
//! built by `npm --prefix ui run build`, which the scripts run before cargo)
//! for `GET /verify`. Without it the registry serves a page saying how to
//! build it, so that `cargo build` alone still works.

use std::path::Path;

fn main() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist-verify/verify.html");
    println!("cargo:rerun-if-changed={}", page.display());
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("verify.html");
    let html = std::fs::read_to_string(&page).unwrap_or_else(|_| {
        "<!doctype html><meta charset=\"utf-8\"><title>Hotich</title>\
         <p>Trang kiểm tra giấy tờ chưa được dựng: npm --prefix ui run build, rồi dựng lại hotich-central.</p>"
            .to_owned()
    });
    std::fs::write(out, html).expect("OUT_DIR is writable");
}
