//! Laws of the lens interpreter, on generated lenses and documents.
//!
//! A generated case is a document type (an object of scalars, nested objects, arrays of
//! objects), a lens built against that type so that documents of the type are in its domain
//! (no collisions, values a `convert` table knows, a `remove`d property holding its default),
//! and a document of the type. Then:
//!
//! - going up, the document is valid under the schema transformed up, and coming back down it
//!   is valid under that transformed back down (`apply_schema` agrees with `apply`);
//! - lossless: `down(up(x)) == x` and `up(down(y)) == y` for `y = up(x)`; lossy: the documents
//!   differ only at or below the reported loss pointers;
//! - the reversed lens runs the same steps the other way round.

use docver::lens::{Lens, Way};
use proptest::prelude::*;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
enum Ty {
    Bool,
    Str,
    Int,
    Const(Value),
    Enum(Vec<Value>),
    Nullable(Box<Ty>),
    Array(Box<Ty>),
    Object(Vec<(String, Ty)>),
}

impl Ty {
    fn schema(&self) -> Value {
        match self {
            Ty::Bool => json!({"type": "boolean"}),
            Ty::Str => json!({"type": "string"}),
            Ty::Int => json!({"type": "integer"}),
            Ty::Const(v) => json!({ "const": v }),
            Ty::Enum(vs) => json!({ "enum": vs }),
            Ty::Nullable(t) => json!({"anyOf": [t.schema(), {"type": "null"}]}),
            Ty::Array(t) => json!({"type": "array", "items": t.schema()}),
            Ty::Object(fields) => {
                let properties: serde_json::Map<String, Value> = fields
                    .iter()
                    .map(|(n, t)| (n.clone(), t.schema()))
                    .collect();
                let required: Vec<&String> = fields.iter().map(|(n, _)| n).collect();
                json!({"type": "object", "properties": properties, "required": required,
                       "additionalProperties": false})
            }
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(
            self,
            Ty::Bool | Ty::Str | Ty::Int | Ty::Const(_) | Ty::Enum(_)
        )
    }
}

/// A small deterministic generator, so one proptest seed drives a whole case.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

fn scalar(rng: &mut Rng) -> Ty {
    match rng.next(4) {
        0 => Ty::Bool,
        1 => Ty::Str,
        2 => Ty::Int,
        _ => Ty::Const([json!("a"), json!(1), json!(true)][rng.next(3)].clone()),
    }
}

fn object_type(rng: &mut Rng, prefix: &str, depth: usize) -> Ty {
    let n = 1 + rng.next(4);
    let fields = (0..n)
        .map(|i| {
            let name = format!("{prefix}{i}");
            let ty = match rng.next(if depth == 0 { 6 } else { 4 }) {
                4 => object_type(rng, "i", depth + 1),
                5 => Ty::Array(Box::new(object_type(rng, "e", depth + 1))),
                _ => scalar(rng),
            };
            (name, ty)
        })
        .collect();
    Ty::Object(fields)
}

fn document(ty: &Ty, rng: &mut Rng) -> Value {
    match ty {
        Ty::Bool => json!(rng.next(2) == 1),
        Ty::Str => json!(["", "x", "yz"][rng.next(3)]),
        Ty::Int => json!(rng.next(100)),
        Ty::Const(v) => v.clone(),
        Ty::Enum(vs) => vs[rng.next(vs.len())].clone(),
        Ty::Nullable(t) => {
            if rng.next(2) == 0 {
                Value::Null
            } else {
                document(t, rng)
            }
        }
        Ty::Array(t) => Value::Array((0..rng.next(3)).map(|_| document(t, rng)).collect()),
        Ty::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(n, t)| (n.clone(), document(t, rng)))
                .collect(),
        ),
    }
}

fn fields(ty: &mut Ty) -> &mut Vec<(String, Ty)> {
    match ty {
        Ty::Object(f) => f,
        _ => unreachable!("objects only"),
    }
}

fn fresh(fields: &[(String, Ty)], stem: &str) -> String {
    (0..)
        .map(|i| format!("{stem}{i}"))
        .find(|n| fields.iter().all(|(f, _)| f != n))
        .unwrap()
}

/// One operation against the object type `ty`, updating it; `None` when the choice does not
/// apply.
fn operation(ty: &mut Ty, kind: u8, pick: usize) -> Option<Value> {
    let fs = fields(ty);
    let n = fs.len();
    let at = |pick: usize| pick % n.max(1);
    match kind {
        0 if n > 0 => {
            let i = at(pick);
            let to = fresh(fs, "r");
            let from = std::mem::replace(&mut fs[i].0, to.clone());
            Some(json!({"op": "rename", "from": from, "to": to}))
        }
        1 => {
            let name = fresh(fs, "a");
            if pick % 2 == 0 {
                // Documents of the new version are in the domain when they hold the default.
                fs.push((name.clone(), Ty::Const(json!(false))));
                Some(json!({"op": "add", "name": name, "default": false,
                            "schema": {"type": "boolean"}, "required": true}))
            } else {
                fs.push((name.clone(), Ty::Nullable(Box::new(Ty::Int))));
                Some(json!({"op": "add", "name": name,
                            "schema": {"type": ["integer", "null"]}, "required": true}))
            }
        }
        2 if n > 0 => {
            let i = at(pick);
            match fs[i].1.clone() {
                Ty::Const(v) => {
                    let (name, ty) = fs.remove(i);
                    Some(json!({"op": "remove", "name": name, "default": v,
                                "schema": ty.schema(), "required": true}))
                }
                // Not a converted value: null, restored going down, is not in its table.
                Ty::Bool | Ty::Str | Ty::Int => {
                    let (name, ty) = fs.remove(i);
                    Some(json!({"op": "remove", "name": name,
                                "schema": Ty::Nullable(Box::new(ty)).schema(), "required": true}))
                }
                _ => None,
            }
        }
        3 => {
            let i = fs.iter().position(|(_, t)| matches!(t, Ty::Bool))?;
            fs[i].1 = Ty::Enum(vec![json!("no"), json!("yes")]);
            let lossy = pick % 2 == 1;
            let mut op = json!({"op": "convert", "name": fs[i].0,
                                "forward": [[false, "no"], [true, "yes"]],
                                "schema": {"enum": ["no", "yes"]},
                                "reverse_schema": {"type": "boolean"}});
            if lossy {
                op["reverse"] = json!([["yes", true]]);
                op["reverse_default"] = json!(false);
            }
            Some(op)
        }
        4 if n > 0 => {
            let i = at(pick);
            match fs[i].1.clone() {
                t if t.is_scalar() => {
                    fs[i].1 = Ty::Array(Box::new(t));
                    Some(json!({"op": "wrap", "name": fs[i].0}))
                }
                Ty::Array(t) if t.is_scalar() => {
                    fs[i].1 = Ty::Nullable(t);
                    Some(json!({"op": "head", "name": fs[i].0}))
                }
                _ => None,
            }
        }
        5 => {
            // Hoist a field out of a nested object, when its name is free here.
            let hosts: Vec<usize> = (0..n)
                .filter(|&i| matches!(&fs[i].1, Ty::Object(inner) if !inner.is_empty()))
                .collect();
            let h = *hosts.get(pick % hosts.len().max(1))?;
            let host = fs[h].0.clone();
            let inner = fields(&mut fs[h].1);
            let j = pick % inner.len();
            let candidate = inner[j].0.clone();
            if fs.iter().any(|(f, _)| *f == candidate) {
                return None;
            }
            let (name, t) = fields(&mut fs[h].1).remove(j);
            fs.push((name.clone(), t));
            Some(json!({"op": "hoist", "host": host, "name": name}))
        }
        6 => {
            // Plunge a scalar into a nested object, when its name is free there.
            let hosts: Vec<usize> = (0..n)
                .filter(|&i| matches!(&fs[i].1, Ty::Object(_)))
                .collect();
            let h = *hosts.get(pick % hosts.len().max(1))?;
            let i = (0..n).find(|&i| fs[i].1.is_scalar())?;
            let name = fs[i].0.clone();
            if fields(&mut fs[h].1).iter().any(|(f, _)| *f == name) {
                return None;
            }
            let host = fs[h].0.clone();
            let (_, t) = fs.remove(i);
            let h = if i < h { h - 1 } else { h };
            fields(&mut fs[h].1).push((name.clone(), t));
            Some(json!({"op": "plunge", "host": host, "name": name}))
        }
        7 => {
            let i = (0..n).find(|&i| matches!(&fs[i].1, Ty::Object(_)))?;
            let op = operation(&mut fs[i].1, (pick % 5) as u8, pick / 5)?;
            Some(json!({"op": "in", "name": fs[i].0, "ops": [op]}))
        }
        8 => {
            let i = (0..n)
                .find(|&i| matches!(&fs[i].1, Ty::Array(t) if matches!(**t, Ty::Object(_))))?;
            let Ty::Array(element) = &mut fs[i].1 else {
                unreachable!()
            };
            let op = operation(element, (pick % 5) as u8, pick / 5)?;
            Some(json!({"op": "in", "name": fs[i].0, "ops": [{"op": "map", "ops": [op]}]}))
        }
        _ => None,
    }
}

/// Pointers (from `at`) where `a` and `b` differ, stopping at the first difference on a path.
fn differences(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => differences(p, q, format!("{at}/{key}"), out),
                    _ => out.push(format!("{at}/{key}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, format!("{at}/{i}"), out);
            }
        }
        _ if a != b => out.push(at),
        _ => {}
    }
}

fn confined(diffs: &[String], loss: &[String]) -> bool {
    diffs.iter().all(|d| {
        let d: Vec<&str> = d.split('/').skip(1).collect();
        loss.iter().any(|pointer| {
            let l: Vec<&str> = pointer.split('/').skip(1).collect();
            l.len() <= d.len() && l.iter().zip(&d).all(|(x, y)| x == y || *x == "*")
        })
    })
}

/// `pointer` (a place as top-level operation `op` sees documents) moved through `op`: up
/// gives the place after it, down the place before it.
fn through(op: &Value, pointer: &str, up: bool) -> String {
    let mut t: Vec<String> = pointer.split('/').skip(1).map(str::to_owned).collect();
    let s = |k: &str| op[k].as_str().unwrap_or_default().to_owned();
    match op["op"].as_str() {
        Some("rename") => {
            let (a, b) = if up {
                (s("from"), s("to"))
            } else {
                (s("to"), s("from"))
            };
            if t.first() == Some(&a) {
                t[0] = b;
            }
        }
        Some(kind @ ("hoist" | "plunge")) => {
            let (host, name) = (s("host"), s("name"));
            let nested = t.len() >= 2 && t[0] == host && t[1] == name;
            let top = t.first() == Some(&name);
            // Hoisting up (or plunging down) takes host/name to name, and the converse.
            if (kind == "hoist") == up {
                if nested {
                    t.remove(0);
                }
            } else if top {
                t.insert(0, host);
            }
        }
        Some(kind @ ("in" | "map")) => {
            let enters = !t.is_empty() && (kind == "map" || t[0] == s("name"));
            if enters {
                let head = t.remove(0);
                let mut rest: String = t.iter().map(|x| format!("/{x}")).collect();
                let inner = op["ops"].as_array().unwrap();
                let ordered: Vec<&Value> = if up {
                    inner.iter().collect()
                } else {
                    inner.iter().rev().collect()
                };
                for o in ordered {
                    rest = through(o, &rest, up);
                }
                return format!("/{head}{rest}");
            }
        }
        _ => {}
    }
    t.iter().map(|x| format!("/{x}")).collect()
}

/// The loss of each top-level operation, as places in source documents and target documents.
fn loss_places(ops: &[Value]) -> (Vec<String>, Vec<String>) {
    let (mut source, mut target) = (Vec::new(), Vec::new());
    for (k, op) in ops.iter().enumerate() {
        let lens = Lens::from_value(&json!({"ops": [op]})).unwrap();
        for item in lens.loss().items() {
            let mut p = item.pointer.clone();
            for before in ops[..k].iter().rev() {
                p = through(before, &p, false);
            }
            source.push(p);
            let mut p = item.pointer.clone();
            for after in &ops[k + 1..] {
                p = through(after, &p, true);
            }
            target.push(p);
        }
    }
    (source, target)
}

fn valid(schema: &Value, doc: &Value) -> bool {
    jsonschema::validator_for(schema)
        .unwrap_or_else(|e| panic!("{e}: {schema:#}"))
        .is_valid(doc)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn lenses_round_trip_and_agree_with_their_schemas(
        seed in any::<u64>(),
        choices in prop::collection::vec((0u8..9, any::<u16>()), 0..7),
    ) {
        let mut rng = Rng(seed);
        let source = object_type(&mut rng, "f", 0);
        let mut target = source.clone();
        let ops: Vec<Value> = choices
            .iter()
            .filter_map(|(k, p)| operation(&mut target, *k, *p as usize))
            .collect();
        let lens = Lens::from_value(&json!({"from": 1, "to": 2, "ops": ops})).unwrap();
        let loss = lens.loss();
        let x = document(&source, &mut rng);
        let s = source.schema();
        prop_assert!(valid(&s, &x));

        // `apply_schema` agrees with `apply`, both ways.
        let y = lens.applied(&x, Way::Up).unwrap();
        let s_up = lens.apply_schema(&s, Way::Up).unwrap();
        prop_assert!(valid(&s_up, &y), "{y} invalid under {s_up:#}\nlens {lens}");
        prop_assert!(valid(&target.schema(), &y), "{y} is not of the target type");
        let x2 = lens.applied(&y, Way::Down);
        prop_assert!(x2.is_ok(), "{lens}: {x} → {y} → {x2:?}");
        let x2 = x2.unwrap();
        let s_down = lens.apply_schema(&s_up, Way::Down).unwrap();
        prop_assert!(valid(&s_down, &x2), "{x2} invalid under {s_down:#}\nlens {lens}");

        // The reversed lens is the same steps the other way round.
        let reversed = lens.reverse();
        prop_assert_eq!(&reversed.applied(&x, Way::Down).unwrap(), &y);
        prop_assert_eq!(&reversed.applied(&y, Way::Up).unwrap(), &x2);

        // Round trips: equal when lossless, different only at the loss when lossy.
        // Loss pointers are places as the lossy operation sees documents; moved through the
        // operations before it (after it) they are places in source (target) documents.
        let (source_loss, target_loss) = loss_places(&ops);
        let y2 = lens.applied(&x2, Way::Up).unwrap();
        let (mut dx, mut dy) = (Vec::new(), Vec::new());
        differences(&x, &x2, String::new(), &mut dx);
        differences(&y, &y2, String::new(), &mut dy);
        if loss.is_lossless() {
            prop_assert!(dx.is_empty() && dy.is_empty(),
                "lossless {lens} changed {dx:?} {dy:?}: {x} → {y} → {x2}");
        } else {
            prop_assert!(confined(&dx, &source_loss) && confined(&dy, &target_loss),
                "{lens}: {dx:?} {dy:?} outside the loss {source_loss:?} {target_loss:?}");
        }

        // And from the other side: a document of the target type goes down and back up.
        let y0 = document(&target, &mut rng);
        if let Ok(x0) = lens.applied(&y0, Way::Down) {
            prop_assert!(valid(&s_down, &x0) || !loss.is_lossless());
            let y1 = lens.applied(&x0, Way::Up).unwrap();
            let mut diffs = Vec::new();
            differences(&y0, &y1, String::new(), &mut diffs);
            prop_assert!(confined(&diffs, &target_loss),
                "{lens}: {diffs:?} outside the loss {target_loss:?}: {y0} → {x0} → {y1}");
        }
    }
}
