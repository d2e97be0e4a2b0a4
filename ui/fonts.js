// The page's font lists (--sans and --mono in app.css), cut to start at the first family this
// machine has: the same fonts, found with far less work. WebKitGTK asks fontconfig for every
// family of a list, in order, at every size and weight the page draws, until one exists
// (several ms for each missing one); with none of the named families installed that held the
// account's paint back by a few hundred ms. The families after the first one found stay (they
// still supply characters it lacks), so what is drawn does not change.
//
// The cut lists are saved, and early.js (injected at document start) puts them back before the
// next start's first paint; after each load they are worked out again from the stylesheet's
// own lists.

const GENERIC = new Set(["serif", "sans-serif", "monospace", "cursive", "fantasy"]);
const PROBE = "Hamburgefonstiv WQ@# 0123456789";
const SAVED = "spotkey.fontLists";
const LISTS = ["--sans", "--mono"];

/**
 * A hidden line of text at the page's own size and weight, walled off (`contain: strict`) so
 * that measuring it lays out nothing else. Its lookups are mostly the ones the first screen's
 * text has already made: ~20 ms in all where a canvas (whose lookups are its own) took ~100.
 */
function withProbe(measure) {
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.style.cssText = "position:fixed;left:0;top:0;width:0;height:0;overflow:hidden;visibility:hidden;contain:strict";
  const line = document.createElement("span");
  line.style.whiteSpace = "nowrap";
  line.textContent = PROBE;
  box.append(line);
  document.body.append(box);
  try {
    const width = (list) => {
      line.style.fontFamily = list;
      return line.getBoundingClientRect().width;
    };
    return measure(width, width("serif"), width("monospace"));
  } finally {
    box.remove();
  }
}

const families = (list) => list.split(",").map((f) => f.trim()).filter(Boolean);

/** `list` from its first family that draws at all (its text differs from both fallbacks). */
function cut(list, width, serif, mono) {
  const names = families(list);
  const first = names.findIndex(
    (f) => GENERIC.has(f) || width(`${f}, serif`) !== serif || width(`${f}, monospace`) !== mono,
  );
  return first > 0 ? names.slice(first).join(", ") : names.join(", ");
}

/** The lists as app.css writes them (the root element's own style may hold cut ones). */
function stylesheetLists() {
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule.selectorText === ":root" && rule.style.getPropertyValue("--sans")) {
        return LISTS.map((name) => rule.style.getPropertyValue(name).trim());
      }
    }
  }
  return null;
}

/** Works the lists out again, applies what changed, and saves them for the next start. */
function recheck() {
  try {
    const lists = stylesheetLists();
    if (!lists || lists.some((l) => !l)) return;
    const root = document.documentElement;
    const saved = {};
    withProbe((width, serif, mono) =>
      LISTS.forEach((name, i) => {
        const list = cut(lists[i], width, serif, mono);
        if (root.style.getPropertyValue(name) !== list) root.style.setProperty(name, list);
        saved[name.slice(2)] = list;
      }),
    );
    localStorage.setItem(SAVED, JSON.stringify(saved));
  } catch (err) {
    console.error("spotkey: the font lists stay as they are", err);
  }
}

/**
 * Before the status is drawn: the text list is cut now unless early.js already put back a
 * saved one; once the page has loaded and painted, both lists are checked and saved.
 */
export function pinFontLists() {
  const root = document.documentElement;
  if (window.__SPOTKEY_SAVED_FONT_LISTS__) {
    root.dataset.fontLists = "saved";
  } else {
    try {
      const list = getComputedStyle(root).getPropertyValue("--sans");
      withProbe((width, serif, mono) => root.style.setProperty("--sans", cut(list, width, serif, mono)));
    } catch (err) {
      console.error("spotkey: the font list stays as it is", err);
    }
  }
  // After the frame that follows the load: the probe's lookups must not hold up the paint of
  // the status, which is drawn before the load but painted in a frame after it.
  const later = () => requestAnimationFrame(() => window.setTimeout(recheck));
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later, { once: true });
}
