//! `-f key=value` and `-F key=value` as `gh api` reads them: raw strings, or typed values
//! (true, false, null, integers, `@file`, `@-`), and `key[]` / `key[sub]` building arrays and
//! objects in a JSON body. Pure: reading a file is the caller's closure.
use serde_json::{Map, Value};

/// One field as given, its value already typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// As written (`uris[]`), for the query string.
    pub key: String,
    pub value: Value,
}

/// `key=value`, the value a string (`-f`) or typed (`-F`). `read` loads `@file` / `@-`.
///
/// # Errors
/// One sentence naming the field when it has no `=`, an empty key, or an unreadable file.
pub fn parse(
    raw: &str,
    typed: bool,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Field, String> {
    let Some((key, value)) = raw.split_once('=') else {
        return Err(format!("the field {} must be key=value", shown(raw)));
    };
    if key.is_empty() {
        return Err(format!("the field {} has no key", shown(raw)));
    }
    let value = if typed {
        typed_value(value, read)?
    } else {
        Value::String(value.to_owned())
    };
    Ok(Field {
        key: key.to_owned(),
        value,
    })
}

fn typed_value(
    value: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Value, String> {
    Ok(match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => match (value.strip_prefix('@'), value.parse::<i64>()) {
            (Some(path), _) => Value::String(read(path)?),
            (None, Ok(n)) => Value::from(n),
            (None, Err(_)) => Value::String(value.to_owned()),
        },
    })
}

/// The value as it goes in a query string (`true`, `42`, `` for null).
pub fn query_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The fields as one JSON object: `a[]=x` appends to the array `a`, `a[b]=x` sets `b` in the
/// object `a` (nesting as deep as written).
///
/// # Errors
/// A key that is malformed, or used both as a value and as an array or object.
pub fn json_body(fields: &[Field]) -> Result<Value, String> {
    let mut root = Map::new();
    for field in fields {
        let (name, path, append) = split_key(&field.key)?;
        let mut node = &mut root;
        let mut slot = name;
        for segment in path {
            let entry = node
                .entry(slot.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            node = entry
                .as_object_mut()
                .ok_or_else(|| conflict(&field.key, "an object"))?;
            slot = segment;
        }
        if append {
            let entry = node
                .entry(slot.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            let array = entry
                .as_array_mut()
                .ok_or_else(|| conflict(&field.key, "an array"))?;
            array.push(field.value.clone());
        } else if node.insert(slot.to_owned(), field.value.clone()).is_some() {
            return Err(format!("the field {} is given twice", shown(&field.key)));
        }
    }
    Ok(Value::Object(root))
}

/// `a[b][c][]` → ("a", ["b", "c"], true). `[]` only at the end: arrays of objects need --input.
fn split_key(key: &str) -> Result<(&str, Vec<&str>, bool), String> {
    let bad = || {
        format!(
            "the field key {} is not name, name[] or name[key]",
            shown(key)
        )
    };
    let (name, mut rest) = match key.find('[') {
        Some(i) => key.split_at(i),
        None => (key, ""),
    };
    if name.is_empty() || name.contains(']') {
        return Err(bad());
    }
    let mut path = Vec::new();
    let mut append = false;
    while !rest.is_empty() {
        let close = rest.find(']').ok_or_else(bad)?;
        let segment = rest.get(1..close).ok_or_else(bad)?;
        if append || !rest.starts_with('[') || segment.contains('[') {
            return Err(bad());
        }
        if segment.is_empty() {
            append = true;
        } else {
            path.push(segment);
        }
        rest = &rest[close + 1..];
    }
    Ok((name, path, append))
}

fn conflict(key: &str, what: &str) -> String {
    format!(
        "the field {} needs {what} where another field put a value",
        shown(key)
    )
}

fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    crate::inert::line(text, crate::inert::NAME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_files(path: &str) -> Result<String, String> {
        Err(format!("no file {path}"))
    }

    fn field(raw: &str, typed: bool) -> Field {
        parse(raw, typed, &mut no_files).unwrap()
    }

    #[test]
    fn typed_fields_follow_gh_and_raw_fields_stay_strings() {
        assert_eq!(field("a=true", true).value, json!(true));
        assert_eq!(field("a=false", true).value, json!(false));
        assert_eq!(field("a=null", true).value, json!(null));
        assert_eq!(field("a=-42", true).value, json!(-42));
        assert_eq!(field("a=4.5", true).value, json!("4.5"));
        assert_eq!(field("a=x=y", true).value, json!("x=y"));
        assert_eq!(field("a=true", false).value, json!("true"));
        assert_eq!(field("a=", false).value, json!(""));
        assert_eq!(field("a=@f", false).value, json!("@f"));
        let mut read = |p: &str| Ok(format!("contents of {p}"));
        assert_eq!(
            parse("d=@notes.txt", true, &mut read).unwrap().value,
            json!("contents of notes.txt")
        );
        assert!(parse("d=@missing", true, &mut no_files)
            .unwrap_err()
            .contains("no file"));
        assert!(parse("novalue", false, &mut no_files).is_err());
        assert!(parse("=v", false, &mut no_files).is_err());
    }

    #[test]
    fn brackets_build_arrays_and_objects_in_the_body() {
        let fields = [
            field("uris[]=spotify:track:1", false),
            field("uris[]=spotify:track:2", false),
            field("offset[position]=5", true),
            field("position_ms=0", true),
        ];
        assert_eq!(
            json_body(&fields).unwrap(),
            json!({"uris": ["spotify:track:1", "spotify:track:2"], "offset": {"position": 5}, "position_ms": 0})
        );
    }

    #[test]
    fn malformed_or_conflicting_keys_are_refused() {
        for key in ["a[", "a]", "a[]]", "a[][b]", "a[b", "[a]", "a[x]y"] {
            let f = Field {
                key: key.into(),
                value: json!(1),
            };
            assert!(json_body(&[f]).is_err(), "{key}");
        }
        let twice = [field("a=1", false), field("a=2", false)];
        assert!(json_body(&twice).is_err());
        let clash = [field("a=1", false), field("a[]=2", false)];
        assert!(json_body(&clash).is_err());
        let clash = [field("a=1", false), field("a[b]=2", false)];
        assert!(json_body(&clash).is_err());
    }

    #[test]
    fn query_values_are_plain_text() {
        assert_eq!(query_value(&json!("x y")), "x y");
        assert_eq!(query_value(&json!(5)), "5");
        assert_eq!(query_value(&json!(null)), "");
    }
}
