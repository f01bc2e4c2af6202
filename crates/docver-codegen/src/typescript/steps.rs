//! A step's declared lens compiled to TypeScript: one runtime call per operation, in the order
//! the interpreter runs them (declared order going up, reversed going down, each with the
//! way it runs), `in` and `map` as nested callbacks. Arguments are JSON literals.

use docver::lens::{LensOp, Way};
use serde_json::Value;

use crate::CodegenError;
use crate::couchdb::js;

/// The statements applying `ops` the way `way` to `value` (a variable holding the current
/// value) found at pointer variable `at`, each line indented by `indent`.
pub(crate) fn compile(
    ops: &[LensOp],
    way: Way,
    value: &str,
    at: &str,
    indent: &str,
    depth: usize,
    out: &mut String,
) -> Result<(), CodegenError> {
    let ordered: Vec<&LensOp> = match way {
        Way::Up => ops.iter().collect(),
        Way::Down => ops.iter().rev().collect(),
    };
    let w = js::string(way.as_str());
    let s = js::string;
    let optional = |v: &Option<Value>| {
        v.as_ref()
            .map_or_else(|| "undefined".to_owned(), js::literal)
    };
    for op in ordered {
        let call = match op {
            LensOp::Add(p) => format!(
                "add({value}, {at}, {}, {}, {w});",
                s(&p.name),
                optional(&p.default)
            ),
            LensOp::Remove(p) => {
                format!(
                    "remove({value}, {at}, {}, {}, {w});",
                    s(&p.name),
                    optional(&p.default)
                )
            }
            LensOp::Rename(r) => {
                format!("rename({value}, {at}, {}, {}, {w});", s(&r.from), s(&r.to))
            }
            LensOp::Hoist(m) => {
                format!("hoist({value}, {at}, {}, {}, {w});", s(&m.host), s(&m.name))
            }
            LensOp::Plunge(m) => format!(
                "plunge({value}, {at}, {}, {}, {w});",
                s(&m.host),
                s(&m.name)
            ),
            LensOp::Wrap(x) => format!(
                "wrap({value}, {at}, {}, {}, {w});",
                s(&x.name),
                optional(&x.default)
            ),
            LensOp::Head(h) => format!(
                "head({value}, {at}, {}, {}, {w});",
                s(&h.name),
                optional(&h.default)
            ),
            LensOp::In(i) => {
                let (inner, inner_at) = (format!("v{}", depth + 1), format!("at{}", depth + 1));
                let mut body = String::new();
                compile(
                    &i.ops,
                    way,
                    &inner,
                    &inner_at,
                    &format!("{indent}  "),
                    depth + 1,
                    &mut body,
                )?;
                format!(
                    "inside({value}, {at}, {}, ({inner}, {inner_at}) => {{\n{body}{indent}}});",
                    s(&i.name)
                )
            }
            LensOp::Map(m) => {
                let (inner, inner_at) = (format!("v{}", depth + 1), format!("at{}", depth + 1));
                let mut body = String::new();
                compile(
                    &m.ops,
                    way,
                    &inner,
                    &inner_at,
                    &format!("{indent}  "),
                    depth + 1,
                    &mut body,
                )?;
                format!("each({value}, {at}, ({inner}, {inner_at}) => {{\n{body}{indent}}});")
            }
            LensOp::Convert(c) => {
                let (table, default, name) = match way {
                    Way::Up => (c.forward.clone(), &c.forward_default, "forward"),
                    Way::Down => (
                        c.reverse_table()
                            .map_err(|message| CodegenError::Internal {
                                message: format!("convert `{}`: {message}", c.name),
                            })?,
                        &c.reverse_default,
                        "reverse",
                    ),
                };
                let table: Vec<Value> = table
                    .into_iter()
                    .map(|(k, v)| Value::Array(vec![k, v]))
                    .collect();
                format!(
                    "convert({value}, {at}, {}, {}, {}, {});",
                    s(&c.name),
                    js::literal(&Value::Array(table)),
                    optional(default),
                    s(name)
                )
            }
        };
        out.push_str(indent);
        out.push_str(&call);
        out.push('\n');
    }
    Ok(())
}
