//! The baseline for the first-paint benchmark: the smallest Tauri 2 app with one window and a
//! static page (served from memory over a custom protocol, as spotkey's own page is). Not part
//! of spotkey; `make bench` builds it to compare against.
use tauri::http::Response;
use tauri::{WebviewUrl, WebviewWindowBuilder};

const PAGE: &str = "<!doctype html><html><head><meta charset=utf-8><title>hello</title></head>\
                    <body><h1 id=hello>Hello, world</h1></body></html>";

fn main() {
    let result = tauri::Builder::default()
        .register_uri_scheme_protocol("hello", |_ctx, _request| {
            Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.as_bytes().to_vec())
                .expect("a static response")
        })
        .setup(|app| {
            let url = WebviewUrl::CustomProtocol("hello://localhost/".parse()?);
            WebviewWindowBuilder::new(app, "main", url)
                .title("hello")
                .inner_size(480.0, 680.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("hello_window: {e}");
        std::process::exit(1);
    }
}
