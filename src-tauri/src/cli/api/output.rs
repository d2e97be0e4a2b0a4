//! How an answer is shown. Through a pipe: the bytes as received. On a terminal: JSON pretty
//! and coloured, with every control, C1 and bidi character inside its strings escaped
//! (`\u001b`), so nothing from the network can move the cursor, recolour the terminal or
//! reorder a line; other text with those characters replaced. Headers (`--include`) are
//! inert lines too.
use std::fmt::Write;

use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Version};
use serde_json::Value;

use crate::inert;

/// How to write JSON: for a terminal (pretty, inert, maybe coloured) or exact and compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Pipe,
    Terminal { colour: bool },
}

const KEY: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const LITERAL: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// A response body as shown: raw bytes for a pipe; on a terminal, JSON pretty-printed (else
/// inert text), ending in a newline.
pub fn body(bytes: &[u8], style: Style) -> Vec<u8> {
    let Style::Terminal { colour } = style else {
        return bytes.to_vec();
    };
    let mut out = match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => json(&value, 0, colour),
        Err(_) => text(&String::from_utf8_lossy(bytes)),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.into_bytes()
}

/// `value` as JSON: compact and exact for a pipe, pretty and inert (indented `indent` levels)
/// on a terminal.
pub fn value(value: &Value, style: Style, indent: usize) -> String {
    match style {
        Style::Pipe => value.to_string(),
        Style::Terminal { colour } => json(value, indent, colour),
    }
}

fn json(value: &Value, indent: usize, colour: bool) -> String {
    let mut out = String::new();
    write_value(&mut out, value, indent, colour);
    out
}

fn write_value(out: &mut String, value: &Value, indent: usize, colour: bool) {
    let paint = |out: &mut String, code: &str, text: &str| {
        if colour {
            let _ = write!(out, "{code}{text}{RESET}");
        } else {
            out.push_str(text);
        }
    };
    match value {
        Value::Null => paint(out, LITERAL, "null"),
        Value::Bool(b) => paint(out, LITERAL, if *b { "true" } else { "false" }),
        Value::Number(n) => paint(out, NUMBER, &n.to_string()),
        Value::String(s) => paint(out, STRING, &quoted(s)),
        Value::Array(items) => {
            let parts = items.iter().map(|item| {
                let mut part = String::new();
                write_value(&mut part, item, indent + 1, colour);
                part
            });
            write_block(out, ('[', ']'), parts, indent);
        }
        Value::Object(map) => {
            let parts = map.iter().map(|(key, item)| {
                let mut part = String::new();
                paint(&mut part, KEY, &quoted(key));
                part.push_str(": ");
                write_value(&mut part, item, indent + 1, colour);
                part
            });
            write_block(out, ('{', '}'), parts, indent);
        }
    }
}

fn write_block(
    out: &mut String,
    (open, close): (char, char),
    parts: impl Iterator<Item = String>,
    indent: usize,
) {
    out.push(open);
    let mut empty = true;
    for part in parts {
        out.push_str(if empty { "\n" } else { ",\n" });
        push_indent(out, indent + 1);
        out.push_str(&part);
        empty = false;
    }
    if !empty {
        out.push('\n');
        push_indent(out, indent);
    }
    out.push(close);
}

pub fn push_indent(out: &mut String, levels: usize) {
    for _ in 0..levels.min(64) {
        out.push_str("  ");
    }
}

/// A JSON string literal in which nothing can act on a terminal: the usual escapes, and
/// `\uXXXX` for every character `inert::is_dangerous` names (C0, DEL, C1, bidi, …).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if inert::is_dangerous(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text that is not JSON, for a terminal: its lines kept, anything else a terminal would act
/// on replaced.
fn text(body: &str) -> String {
    body.lines()
        .map(|line| {
            line.chars()
                .map(|c| {
                    if inert::is_dangerous(c) {
                        inert::REPLACEMENT
                    } else {
                        c
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `--include`: the status line and headers, one inert line each, then an empty line.
pub fn head(version: Version, status: StatusCode, headers: &HeaderMap) -> String {
    let mut out = format!(
        "{version:?} {} {}\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        let _ = writeln!(
            out,
            "{}: {}",
            name.as_str(),
            inert::line(&value, inert::SENTENCE)
        );
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HOSTILE: &str = "a\x1b[2J\x07\u{9b}31m\u{202E}b\u{7f}\r\n";

    #[test]
    fn hostile_strings_are_escaped_on_a_terminal_and_stay_valid_json() {
        let body = json!({"name": HOSTILE, HOSTILE: [1, true, null]}).to_string();
        for colour in [false, true] {
            let shown = String::from_utf8(super::body(body.as_bytes(), Style::Terminal { colour }))
                .unwrap();
            assert!(
                !shown.contains('\u{9b}') && !shown.contains('\u{202E}') && !shown.contains('\x07'),
                "{shown:?}"
            );
            assert!(
                shown.contains("a\\u001b[2J\\u0007\\u009b31m\\u202eb\\u007f\\r\\n"),
                "{shown:?}"
            );
            if !colour {
                assert!(!shown.contains('\x1b'));
                let back: Value = serde_json::from_str(&shown).unwrap();
                assert_eq!(
                    back["name"], HOSTILE,
                    "the escapes are JSON: the text is exact"
                );
            }
        }
    }

    #[test]
    fn a_pipe_gets_the_bytes_as_they_came() {
        let raw = format!("{{\"name\":\"{HOSTILE}\"}}");
        assert_eq!(body(raw.as_bytes(), Style::Pipe), raw.as_bytes());
    }

    #[test]
    fn json_is_pretty_and_colour_is_only_asked_for_colour() {
        let shown = body(
            br#"{"a":[1,"x"],"b":{},"c":[]}"#,
            Style::Terminal { colour: false },
        );
        assert_eq!(
            String::from_utf8(shown).unwrap(),
            "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {},\n  \"c\": []\n}\n"
        );
        let coloured =
            String::from_utf8(body(br#"{"a":1}"#, Style::Terminal { colour: true })).unwrap();
        assert_eq!(
            coloured,
            format!("{{\n  {KEY}\"a\"{RESET}: {NUMBER}1{RESET}\n}}\n")
        );
    }

    #[test]
    fn other_text_keeps_its_lines_and_loses_its_controls() {
        let shown = body(
            b"<html>\x1b[31mred\r\nline2\xff",
            Style::Terminal { colour: true },
        );
        assert_eq!(
            String::from_utf8(shown).unwrap(),
            "<html>\u{FFFD}[31mred\nline2\u{FFFD}\n"
        );
    }

    #[test]
    fn headers_are_inert_lines() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-evil",
            reqwest::header::HeaderValue::from_bytes(b"a\xc2\x9b31mb\xe2\x80\xaec").unwrap(),
        );
        let shown = head(Version::HTTP_11, StatusCode::OK, &headers);
        assert_eq!(shown, "HTTP/1.1 200 OK\nx-evil: a\u{FFFD}31mb\u{FFFD}c\n\n");
    }
}
