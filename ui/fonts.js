// The page's text font list (--sans in app.css), cut to start at the first family this machine
// has: the same font, found with far less work. WebKitGTK asks fontconfig for every family of
// the list, in order, at every size and weight the page draws, until one exists (several ms for
// each missing one); with none of the named families installed that held the account's paint
// back by a few hundred ms. The families after the first one found stay (they still supply
// characters it lacks), so what is drawn does not change.

const GENERIC = new Set(["serif", "sans-serif", "monospace", "cursive", "fantasy"]);
const PROBE = "Hamburgefonstiv WQ@# 0123456789";

/**
 * A hidden line of text at the page's own size and weight, walled off (`contain: strict`) so
 * that measuring it lays out nothing else. Its lookups are mostly the ones the first screen's
 * text has already made: ~20 ms in all where a canvas (whose lookups are its own) took ~100.
 */
function makeProbe() {
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.style.cssText = "position:fixed;left:0;top:0;width:0;height:0;overflow:hidden;visibility:hidden;contain:strict";
  const line = document.createElement("span");
  line.style.whiteSpace = "nowrap";
  line.textContent = PROBE;
  box.append(line);
  return { box, line };
}

function width(line, list) {
  line.style.fontFamily = list;
  return line.getBoundingClientRect().width;
}

/** Whether `family` draws at all: its text differs from both fallbacks it would otherwise get. */
function installed(line, family, serif, mono) {
  return width(line, `${family}, serif`) !== serif || width(line, `${family}, monospace`) !== mono;
}

/** Cuts the list; on any surprise it stays as it is (slower, never different). */
export function pinFontList() {
  const root = document.documentElement;
  const { box, line } = makeProbe();
  try {
    document.body.append(box);
    const list = getComputedStyle(root).getPropertyValue("--sans").split(",").map((f) => f.trim()).filter(Boolean);
    const serif = width(line, "serif");
    const mono = width(line, "monospace");
    const first = list.findIndex((f) => GENERIC.has(f) || installed(line, f, serif, mono));
    if (first > 0) root.style.setProperty("--sans", list.slice(first).join(", "));
  } catch (err) {
    console.error("spotkey: the font list stays as it is", err);
  } finally {
    box.remove();
  }
}
