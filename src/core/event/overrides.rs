//! `--set PATH=VALUE`: change one field of a JSON or form body. PATH is a dotted path
//! (`data.object.amount`, `items.0.price`) or a JSON pointer (`/data/object/amount`);
//! VALUE is JSON when it parses as JSON, a string otherwise.

use serde_json::Value;

use super::EventError;

#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub spec: String,
    pub path: Vec<String>,
    pub value: Value,
}

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
    })
}

/// Sets each override in a JSON value; missing object keys are created.
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
            None => pairs.push((o.path[0].clone(), v)),
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
        set(&mut v, "/data/object/currency=eur").unwrap();
        set(&mut v, "items.0.p=\"x\"").unwrap();
        set(&mut v, "new.deep.key=true").unwrap();
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
    fn form_fields() {
        let mut p = vec![("Body".to_string(), "hi".to_string())];
        apply_form_overrides(
            &mut p,
            &[
                parse_override("Body=STOP").unwrap(),
                parse_override("NumMedia=1").unwrap(),
            ],
        )
        .unwrap();
        assert_eq!(p, vec![("Body".into(), "STOP".into()), ("NumMedia".into(), "1".into())]);
    }
}
