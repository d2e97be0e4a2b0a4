// Runs before the stylesheet applies (a classic script ahead of it in index.html): puts back the
// font lists fonts.js cut on an earlier start, so that the first screen's text finds its font at
// the first try instead of asking fontconfig for each missing family first. fonts.js checks them
// again once the page has loaded and puts right what changed (an upgrade, a font installed).
(() => {
  try {
    const saved = JSON.parse(localStorage.getItem("spotkey.fontLists") || "null");
    for (const name of ["sans", "mono"]) {
      const list = saved && saved[name];
      // Only what a font list can be: names, quotes, commas. Anything else stays unused.
      if (typeof list === "string" && /^[\w\s",-]{1,300}$/.test(list)) {
        document.documentElement.style.setProperty(`--${name}`, list);
        // Says where the lists came from (the tests read it; so can a curious developer).
        document.documentElement.dataset.fontLists = "saved";
      }
    }
  } catch {
    // No saved lists: fonts.js cuts them as on a first start.
  }
})();
