// The one file that talks to Rust. It only ever receives status DTOs, never a token.
const { invoke } = window.__TAURI__.core;

async function refresh() {
  const el = document.getElementById("status");
  try {
    const s = await invoke("status");
    el.textContent = s.state === "signed_in"
      ? `Signed in as ${s.display_name ?? "your Spotify account"}`
      : (s.message ?? "Not connected. Run `spotkey login` to connect.");
  } catch (e) {
    el.textContent = e.message ?? String(e);
  }
}
refresh();
