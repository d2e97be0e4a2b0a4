//! The window's page as it is served: `ui/index.html` with its stylesheet and its ES modules
//! inside it. The source stays small modules (ui/), but each file the page asks for is a round
//! trip through the app's main thread, which at start-up is also building the window; with
//! everything in one response the first frame can already show the account.
//!
//! Used by the build script (src-tauri/build.rs), and compiled into the library's tests only.
//! A bundler this small understands only the module forms ui/ uses, and refuses any other with
//! the build error naming the file and line, rather than guess:
//! - `import { a, b as c } from "./file.js";` on one line (relative, acyclic);
//! - `export function`, `export async function`, `export const`, `export class` declarations.
//!
//! Each module becomes a function scope that runs once, in the order the browser would run the
//! modules (dependencies first), and returns its exports; an import takes them from there.
//! Exports are snapshots, not live bindings, which is why `export let` is refused.
use std::collections::BTreeMap;

/// The page's files by name (`index.html`, `app.css`, `main.js`, ...).
pub type Files = BTreeMap<String, String>;

const STYLESHEET: &str = r#"<link rel="stylesheet" href="app.css">"#;
const ENTRY: &str = r#"<script type="module" src="main.js"></script>"#;
const PRELOAD: &str = r#"<link rel="modulepreload""#;
const ENTRY_MODULE: &str = "main.js";

/// index.html with app.css and the module graph from main.js inside it.
pub fn bundle(files: &Files) -> Result<String, String> {
    let html = file(files, "index.html")?;
    let css = file(files, "app.css")?;
    let script = modules(files)?;
    refuse_inside("app.css", css, "</style")?;
    refuse_inside("the bundled modules", &script, "</script")?;
    refuse_inside("the bundled modules", &script, "<!--")?;
    let html = without_preloads(html);
    let html = replace_once(&html, STYLESHEET, &format!("<style>\n{css}</style>"))?;
    replace_once(
        &html,
        ENTRY,
        &format!("<script type=\"module\">\n{script}</script>"),
    )
}

fn file<'a>(files: &'a Files, name: &str) -> Result<&'a str, String> {
    files
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| format!("ui/{name} is missing"))
}

/// The preloads name the files the bundle now holds.
fn without_preloads(html: &str) -> String {
    html.lines()
        .filter(|line| !line.trim_start().starts_with(PRELOAD))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn replace_once(html: &str, what: &str, with: &str) -> Result<String, String> {
    match html.matches(what).count() {
        1 => Ok(html.replacen(what, with, 1)),
        n => Err(format!(
            "ui/index.html must have `{what}` exactly once (found {n})"
        )),
    }
}

/// Text that would end the element it is put in (or start a comment inside a script).
fn refuse_inside(what: &str, text: &str, marker: &str) -> Result<(), String> {
    if text.to_ascii_lowercase().contains(marker) {
        return Err(format!(
            "{what} contain `{marker}`, which would end the page's element early"
        ));
    }
    Ok(())
}

/// One parsed module: what it takes from others, its code without those lines, what it gives.
struct Module {
    imports: Vec<Import>,
    body: String,
    exports: Vec<String>,
}

struct Import {
    /// `name` or `name: alias`, as a destructuring pattern takes it.
    bindings: Vec<String>,
    from: String,
}

fn modules(files: &Files) -> Result<String, String> {
    let mut order = Vec::new();
    visit(files, ENTRY_MODULE, &mut Vec::new(), &mut order)?;
    let mut out = String::from(
        "// Built from ui/ by src-tauri/build.rs: each module in its own scope, in the order \
         modules run.\n",
    );
    for (name, module) in &order {
        out.push_str(&format!("const {} = (() => {{\n", scope_name(name)));
        for import in &module.imports {
            out.push_str(&format!(
                "const {{ {} }} = {};\n",
                import.bindings.join(", "),
                scope_name(&import.from)
            ));
        }
        out.push_str(&module.body);
        out.push_str(&format!(
            "return {{ {} }};\n}})();\n",
            module.exports.join(", ")
        ));
    }
    Ok(out)
}

/// Depth first, dependencies before the module that imports them: the order ES modules run.
fn visit(
    files: &Files,
    name: &str,
    path: &mut Vec<String>,
    order: &mut Vec<(String, Module)>,
) -> Result<(), String> {
    if order.iter().any(|(done, _)| done == name) {
        return Ok(());
    }
    if path.iter().any(|open| open == name) {
        return Err(format!(
            "ui/ modules import each other in a cycle: {} -> {name}",
            path.join(" -> ")
        ));
    }
    let module = parse(name, file(files, name)?)?;
    path.push(name.to_string());
    for import in &module.imports {
        visit(files, &import.from, path, order)?;
    }
    path.pop();
    order.push((name.to_string(), module));
    Ok(())
}

fn parse(name: &str, source: &str) -> Result<Module, String> {
    let mut module = Module {
        imports: Vec::new(),
        body: String::new(),
        exports: Vec::new(),
    };
    for (index, line) in source.lines().enumerate() {
        let at = || format!("ui/{name}:{}", index + 1);
        if line.starts_with("import ") || line.starts_with("import{") || line.contains("import(") {
            module
                .imports
                .push(parse_import(line).ok_or_else(|| format!("{}: {UNSUPPORTED}", at()))?);
            continue;
        }
        if let Some(declaration) = line.strip_prefix("export ") {
            let exported =
                exported_name(declaration).ok_or_else(|| format!("{}: {UNSUPPORTED}", at()))?;
            module.exports.push(exported);
            module.body.push_str(declaration);
        } else if line.trim_start().starts_with("export ") {
            return Err(format!("{}: {UNSUPPORTED}", at()));
        } else {
            module.body.push_str(line);
        }
        module.body.push('\n');
    }
    Ok(module)
}

const UNSUPPORTED: &str = "the page's bundler (src-tauri/src/page_bundle.rs) takes only \
     `import { a, b as c } from \"./file.js\";` on one line and `export` before a function, \
     const or class declaration at the start of a line";

/// `import { a, b as c } from "./file.js";`
fn parse_import(line: &str) -> Option<Import> {
    let rest = line.strip_prefix("import {")?;
    let (names, rest) = rest.split_once('}')?;
    let from = rest
        .trim()
        .strip_prefix("from \"./")?
        .strip_suffix("\";")?
        .to_string();
    if !from.ends_with(".js") || from.contains('/') || from.contains("..") {
        return None;
    }
    let bindings = names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| match n.split_once(" as ") {
            Some((name, alias)) => identifier(name.trim())
                .and_then(|name| identifier(alias.trim()).map(|alias| format!("{name}: {alias}"))),
            None => identifier(n).map(str::to_string),
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Import { bindings, from })
}

/// The declared name of `function f(`, `async function f(`, `const f =` or `class C {`.
fn exported_name(declaration: &str) -> Option<String> {
    let rest = ["async function ", "function ", "const ", "class "]
        .iter()
        .find_map(|keyword| declaration.strip_prefix(keyword))?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(rest.len());
    identifier(&rest[..end]).map(str::to_string)
}

fn identifier(name: &str) -> Option<&str> {
    let mut chars = name.chars();
    let first = chars.next()?;
    let ok = (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    ok.then_some(name)
}

/// `dom.js` -> `__spotkey_module_dom`.
fn scope_name(file: &str) -> String {
    let stem = file.trim_end_matches(".js");
    let safe: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("__spotkey_module_{safe}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Files {
        let mut all: Files = [
            (
                "index.html",
                "<head>\n<link rel=\"stylesheet\" href=\"app.css\">\n\
                 <link rel=\"modulepreload\" href=\"main.js\">\n\
                 <script type=\"module\" src=\"main.js\"></script>\n</head>\n",
            ),
            ("app.css", "body { color: red; }\n"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in entries {
            all.insert(k.to_string(), v.to_string());
        }
        all
    }

    #[test]
    fn the_page_holds_its_stylesheet_and_its_modules_dependencies_first() {
        let page = bundle(&files(&[
            (
                "main.js",
                "import { twice as double, base } from \"./math.js\";\nimportant(double(base));\n",
            ),
            (
                "math.js",
                "export const base = 21;\nexport function twice(n) {\n  return 2 * n;\n}\n",
            ),
        ]))
        .unwrap();
        assert!(page.contains("<style>\nbody { color: red; }\n</style>"));
        assert!(!page.contains("modulepreload") && !page.contains("src=\"main.js\""));
        let math = page.find("const __spotkey_module_math = ").unwrap();
        let main = page.find("const __spotkey_module_main = ").unwrap();
        assert!(math < main, "{page}");
        assert!(page.contains("const { twice: double, base } = __spotkey_module_math;"));
        assert!(page.contains("function twice(n) {"));
        assert!(page.contains("return { base, twice };"));
        // A line that only starts with the word is code, not an import.
        assert!(page.contains("\nimportant(double(base));\n"), "{page}");
    }

    #[test]
    fn a_module_imported_twice_runs_once() {
        let page = bundle(&files(&[
            (
                "main.js",
                "import { a } from \"./a.js\";\nimport { s } from \"./shared.js\";\n",
            ),
            (
                "a.js",
                "import { s } from \"./shared.js\";\nexport const a = s;\n",
            ),
            ("shared.js", "export const s = {};\n"),
        ]))
        .unwrap();
        assert_eq!(page.matches("const __spotkey_module_shared = ").count(), 1);
    }

    #[test]
    fn forms_it_does_not_understand_are_refused_with_their_line() {
        for (source, line) in [
            ("export let counter = 0;\n", 1),
            ("const x = 1;\nexport { x };\n", 2),
            ("export default function f() {}\n", 1),
            ("import * as all from \"./other.js\";\n", 1),
            ("import { a } from \"../outside.js\";\n", 1),
            ("const m = import(\"./other.js\");\n", 1),
            ("  export const indented = 1;\n", 1),
        ] {
            let error = bundle(&files(&[("main.js", source)])).unwrap_err();
            assert!(
                error.starts_with(&format!("ui/main.js:{line}: ")),
                "{source:?}: {error}"
            );
        }
    }

    #[test]
    fn a_cycle_is_refused() {
        let error = bundle(&files(&[
            ("main.js", "import { b } from \"./b.js\";\n"),
            (
                "b.js",
                "import { c } from \"./c.js\";\nexport const b = 1;\n",
            ),
            (
                "c.js",
                "import { b } from \"./b.js\";\nexport const c = 1;\n",
            ),
        ]))
        .unwrap_err();
        assert!(error.contains("main.js -> b.js -> c.js -> b.js"), "{error}");
    }

    #[test]
    fn text_that_would_end_its_element_is_refused() {
        let error = bundle(&files(&[("main.js", "const s = \"</SCRIPT>\";\n")])).unwrap_err();
        assert!(error.contains("</script"), "{error}");
        let mut with_css = files(&[("main.js", "")]);
        with_css.insert(
            "app.css".into(),
            "a::after { content: \"</style>\"; }".into(),
        );
        assert!(bundle(&with_css).unwrap_err().contains("</style"));
    }

    #[test]
    fn the_real_page_bundles() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/ui");
        let page = bundle(&read_dir(dir)).unwrap();
        assert!(page.contains("const __spotkey_module_main = "));
        assert!(!page.contains(" src=\""), "no file left to fetch");
    }

    fn read_dir(dir: &str) -> Files {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect()
    }
}
