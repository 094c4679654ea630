//! `--set PATH=VALUE`: change one field of a JSON or form body. PATH is a dotted path
//! (`data.object.amount`, `items.0.price`) or a JSON pointer (`/data/object/amount`);
//! VALUE is JSON when it parses as JSON, a string otherwise. A `--set` path must exist
//! (a typo is an error with a suggestion); `--add PATH=VALUE` creates what is missing.

use serde_json::Value;

use super::EventError;

#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub spec: String,
    pub path: Vec<String>,
    pub value: Value,
    /// `--add`: create the fields on the path that are missing; `--set` changes only
    /// what exists.
    pub add: bool,
}

/// `--add PATH=VALUE`: an override that creates what is missing.
pub fn parse_addition(spec: &str) -> Result<Override, EventError> {
    Ok(Override {
        add: true,
        ..parse_override(spec)?
    })
}

/// `--set PATH=VALUE`: an override of a field that exists.
pub fn parse_override(spec: &str) -> Result<Override, EventError> {
    let bad = |reason: &str| EventError::BadOverride {
        spec: spec.to_string(),
        reason: reason.to_string(),
    };
    let (path, value) = spec.split_once('=').ok_or_else(|| bad("expected PATH=VALUE"))?;
    if path.is_empty() {
        return Err(bad("the path is empty"));
    }
    let segments: Vec<String> = if let Some(p) = path.strip_prefix('/') {
        p.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
    } else {
        path.split('.').map(str::to_string).collect()
    };
    if segments.iter().any(String::is_empty) {
        return Err(bad("the path has an empty segment"));
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok(Override {
        spec: spec.to_string(),
        path: segments,
        value,
        add: false,
    })
}

/// The error for a `--set` whose field `seg` is not among `keys` (at `here`, the path
/// before it), with the closest existing paths.
fn missing_field<'a>(o: &Override, here: &str, seg: &str, keys: impl Iterator<Item = &'a str>) -> EventError {
    let at = if here.is_empty() {
        "the body".to_string()
    } else {
        format!("`{here}`")
    };
    let full = |k: &str| {
        if here.is_empty() {
            k.to_string()
        } else {
            format!("{here}.{k}")
        }
    };
    let near: Vec<String> = crate::core::suggest::closest(seg, keys, 3)
        .into_iter()
        .map(|k| format!("`{}`", full(k)))
        .collect();
    let mean = if near.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", near.join(" or "))
    };
    EventError::BadOverride {
        spec: o.spec.clone(),
        reason: format!(
            "{at} has no field `{seg}`{mean} (--add {}={} adds it)",
            o.spec.split_once('=').map_or("", |p| p.0),
            o.spec.split_once('=').map_or("", |p| p.1)
        ),
    }
}

/// Sets each override in a JSON value; missing object keys are an error, or created
/// for an [`Override::add`].
pub fn apply_overrides(root: &mut Value, overrides: &[Override]) -> Result<(), EventError> {
    for o in overrides {
        let bad = |reason: String| EventError::BadOverride {
            spec: o.spec.clone(),
            reason,
        };
        let mut cur = &mut *root;
        for (i, seg) in o.path.iter().enumerate() {
            let last = i + 1 == o.path.len();
            let here = o.path[..i].join(".");
            let at = if here.is_empty() {
                "the body".to_string()
            } else {
                format!("`{here}`")
            };
            cur = match cur {
                Value::Object(m) => {
                    if !o.add && !m.contains_key(seg) {
                        return Err(missing_field(o, &here, seg, m.keys().map(String::as_str)));
                    }
                    if last {
                        m.insert(seg.clone(), o.value.clone());
                        break;
                    }
                    m.entry(seg.clone())
                        .or_insert_with(|| Value::Object(Default::default()))
                }
                Value::Array(a) => {
                    let idx: usize = seg
                        .parse()
                        .map_err(|_| bad(format!("{at} is an array; `{seg}` is not an index")))?;
                    let len = a.len();
                    let slot = a
                        .get_mut(idx)
                        .ok_or_else(|| bad(format!("{at} has {len} elements; there is no index {idx}")))?;
                    if last {
                        *slot = o.value.clone();
                        break;
                    }
                    slot
                }
                other => {
                    let kind = match other {
                        Value::String(_) => "a string",
                        Value::Number(_) => "a number",
                        Value::Bool(_) => "a boolean",
                        _ => "null",
                    };
                    return Err(bad(format!("{at} is {kind}, so it has no field `{seg}`")));
                }
            };
        }
    }
    Ok(())
}

/// Sets fields of a form body: the path is the field name.
pub fn apply_form_overrides(pairs: &mut Vec<(String, String)>, overrides: &[Override]) -> Result<(), EventError> {
    for o in overrides {
        if o.path.len() != 1 {
            return Err(EventError::BadOverride {
                spec: o.spec.clone(),
                reason: "a form body has only top-level fields".into(),
            });
        }
        let v = match &o.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match pairs.iter_mut().find(|(k, _)| *k == o.path[0]) {
            Some(p) => p.1 = v,
            None if o.add => pairs.push((o.path[0].clone(), v)),
            None => return Err(missing_field(o, "", &o.path[0], pairs.iter().map(|(k, _)| k.as_str()))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(v: &mut Value, spec: &str) -> Result<(), EventError> {
        apply_overrides(v, &[parse_override(spec)?])
    }

    #[test]
    fn dotted_and_pointer_paths() {
        let mut v = json!({"data": {"object": {"amount": 1}}, "items": [{"p": 1}]});
        set(&mut v, "data.object.amount=2500").unwrap();
        apply_overrides(&mut v, &[parse_addition("/data/object/currency=eur").unwrap()]).unwrap();
        set(&mut v, "items.0.p=\"x\"").unwrap();
        apply_overrides(&mut v, &[parse_addition("new.deep.key=true").unwrap()]).unwrap();
        assert_eq!(
            v,
            json!({"data": {"object": {"amount": 2500, "currency": "eur"}}, "items": [{"p": "x"}], "new": {"deep": {"key": true}}})
        );
    }

    #[test]
    fn bad_paths_name_the_problem() {
        let mut v = json!({"a": "s", "arr": [1]});
        assert!(set(&mut v, "a.b=1")
            .unwrap_err()
            .to_string()
            .contains("`a` is a string"));
        assert!(set(&mut v, "arr.5=1").unwrap_err().to_string().contains("no index 5"));
        assert!(set(&mut v, "arr.x=1").unwrap_err().to_string().contains("not an index"));
        assert!(parse_override("novalue").is_err());
        assert!(parse_override("a..b=1").is_err());
    }

    #[test]
    fn set_changes_what_exists_and_add_adds() {
        let mut v = json!({"data": {"object": {"amount": 1, "currency": "usd"}}});
        let e = set(&mut v, "data.object.amont=2").unwrap_err().to_string();
        assert!(e.contains("`data.object` has no field `amont`"), "{e}");
        assert!(e.contains("did you mean `data.object.amount`"), "{e}");
        assert!(e.contains("--add"), "{e}");
        let e = set(&mut v, "nosuch.path=1").unwrap_err().to_string();
        assert!(e.contains("the body has no field `nosuch`"), "{e}");
        apply_overrides(&mut v, &[parse_addition("data.object.extra.deep=1").unwrap()]).unwrap();
        assert_eq!(v["data"]["object"]["extra"]["deep"], 1);
        let mut p = vec![("Body".to_string(), "hi".to_string())];
        let e = apply_form_overrides(&mut p, &[parse_override("Bdy=x").unwrap()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `Body`"), "{e}");
    }

    #[test]
    fn form_fields() {
        let mut p = vec![("Body".to_string(), "hi".to_string())];
        apply_form_overrides(
            &mut p,
            &[
                parse_override("Body=STOP").unwrap(),
                parse_addition("NumMedia=1").unwrap(),
            ],
        )
        .unwrap();
        assert_eq!(p, vec![("Body".into(), "STOP".into()), ("NumMedia".into(), "1".into())]);
    }
}
