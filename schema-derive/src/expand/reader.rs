//! Which reader a version's generated `Deserialize` uses, from the serde attributes it carries.

use docver_attr::serde_attr::{Direction, SerdeValue, Written};
use docver_attr::{FamilyDecl, Field};

/// Whether every serde key read is either in `assigned` and written `key = "..."` (the form
/// whose meaning the derive itself knows) or in `any_form`, and all of them could be read.
fn serde_keys_within(serde: &Written, assigned: &[&str], any_form: &[&str]) -> bool {
    serde.readable
        && serde.keys.iter().all(|k| {
            let str_value = matches!(k.value, SerdeValue::Str(_));
            any_form.contains(&k.name.as_str()) || str_value && assigned.contains(&k.name.as_str())
        })
}

/// How a version's generated `Deserialize` reads its fields.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Reader {
    /// Generated slots driven by `docver::__private::read_fields`: when the fields' serde
    /// attributes are only renames and aliases, whose meaning the derive knows, and write-only
    /// keys. Far less code per version than serde's derive (no field visitor, no sequence
    /// visitor).
    Slots,
    /// A private struct with the user's serde attributes and serde's derive, read through
    /// `docver::__private::with_unknown`, which keeps the entries the struct skips.
    SerdeFields,
    /// serde's derive on the version itself, unknown fields through `#[serde(flatten)]`: when
    /// a field is itself flattened (its entries would never reach the unknown fields) or a
    /// container attribute changes how the struct as a whole is built.
    Flatten,
}

pub(super) fn reader(family: &FamilyDecl, fields: &[&Field]) -> Reader {
    let has = |attrs: &[syn::Attribute], name: &str| attrs.iter().any(|a| a.path().is_ident(name));
    // `cfg_attr` may hide serde keys: only serde's derive on the version itself sees them all.
    if has(&family.attrs, "cfg_attr") || fields.iter().any(|f| has(&f.attrs, "cfg_attr")) {
        return Reader::Flatten;
    }
    // Besides renames and aliases, a field may carry the keys that only change how it is
    // written; a `cfg`'d field goes to the private fields struct, which keeps the `cfg`.
    let write_only = ["skip_serializing", "skip_serializing_if", "serialize_with"];
    let container = family.serde().written;
    if serde_keys_within(&container, &["rename", "rename_all", "crate"], &[])
        && fields.iter().all(|f| {
            let field = f.serde();
            !has(&f.attrs, "cfg")
                && serde_keys_within(&field.written, &["rename", "alias"], &write_only)
        })
    {
        return Reader::Slots;
    }
    let container_ok = serde_keys_within(
        &container,
        &[],
        &["rename", "rename_all", "expecting", "crate"],
    );
    let no_flatten = |f: &&Field| {
        let field = f.serde();
        field.written.readable && !field.flatten
    };
    if container_ok && fields.iter().all(no_flatten) {
        Reader::SerdeFields
    } else {
        Reader::Flatten
    }
}

/// Whether a field's value may hold unknown fields of its own (an object, or objects inside an
/// array): any type but the scalars, strings and `serde_json::Value` (which keeps everything
/// itself), and `Option`s, `Vec`s and `Box`es of them. Those fields are read through JSON so
/// that what their type drops is kept (`docver::__private::fill_slot_keeping`); the others are
/// read straight, at full speed.
pub(super) fn may_hold_unknown(ty: &syn::Type) -> bool {
    const LEAVES: &[&str] = &[
        "String", "str", "bool", "char", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
        "u32", "u64", "u128", "usize", "f32", "f64", "Value",
    ];
    const WRAPPERS: &[&str] = &["Option", "Vec", "Box"];
    let syn::Type::Path(path) = ty else {
        return !matches!(ty, syn::Type::Reference(_));
    };
    let Some(last) = path.path.segments.last() else {
        return true;
    };
    let name = last.ident.to_string();
    if LEAVES.contains(&name.as_str()) {
        return false;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if WRAPPERS.contains(&name.as_str()) => {
            args.args.iter().any(|arg| match arg {
                syn::GenericArgument::Type(inner) => may_hold_unknown(inner),
                _ => false,
            })
        }
        _ => true,
    }
}

/// The names the fields whose values may hold unknown fields ([`may_hold_unknown`]) are
/// written under: their overlays are kept among the unknown fields under these names.
pub(super) fn nested_names(family: &FamilyDecl, fields: &[&Field]) -> Vec<String> {
    let rules = &family.serde().rename_all;
    fields
        .iter()
        .filter(|f| may_hold_unknown(&f.ty))
        .map(|f| f.serde().name(&f.name(), rules, Direction::Serialize))
        .collect()
}
