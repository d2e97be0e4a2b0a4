// Injected by Rust at document start (gui/window.rs: an initialization script, so the page
// waits for no request): puts back the font lists fonts.js cut on an earlier start, so that the
// first screen's text finds its font at the first try instead of asking fontconfig for each
// missing family first. fonts.js checks them again once the page has loaded and puts right what
// changed (an upgrade, a font installed).
//
// At document start there is no element yet, so the lists go in a constructed stylesheet
// adopted by the document: it comes after app.css, so its `:root` rule wins, and the root
// element's own style (which fonts.js sets) still wins over it.
(() => {
  try {
    const saved = JSON.parse(localStorage.getItem("spotkey.fontLists") || "null");
    const rules = [];
    for (const name of ["sans", "mono"]) {
      const list = saved && saved[name];
      // Only what a font list can be: names, quotes, commas. Anything else stays unused.
      if (typeof list === "string" && /^[\w\s",-]{1,300}$/.test(list)) rules.push(`--${name}: ${list};`);
    }
    if (rules.length === 0) return;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`:root { ${rules.join(" ")} }`);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    // fonts.js reads it (and says so on the root element, for the tests and a curious developer).
    window.__SPOTKEY_SAVED_FONT_LISTS__ = true;
  } catch {
    // No saved lists: fonts.js cuts them as on a first start.
  }
})();
