//! Reading the keywords the instance check applies and the diff rules do not compare (see
//! [`crate::model::Applicators`]). Each is also listed as unsupported on its node, so a change
//! to it makes the verdict undecided, with a warning that names it.

use docver::pointer;

use super::json::{Json, JsonValue, Member};
use super::reader::{ReadError, Reader, RefKind, count};
use crate::model::{Applicators, Condition, Contains, Draft, Node, NodeId};

/// The applicator keywords of one schema object, as read; combined by [`Reader::finish_applicators`]
/// once every member is read (`items` and `additionalItems` may come in any order).
#[derive(Default)]
pub(super) struct Pending<'j> {
    pub(super) all_of: Option<(Vec<NodeId>, &'j Member<'j>)>,
    test: Option<NodeId>,
    then: Option<NodeId>,
    otherwise: Option<NodeId>,
    /// `items` as written, for a change to it beside `prefixItems`.
    pub(super) items: Option<&'j Member<'j>>,
    /// `items` written as an array.
    pub(super) tuple: Option<Vec<NodeId>>,
    prefix: Option<Vec<NodeId>>,
    additional_items: Option<NodeId>,
    contains: Option<NodeId>,
    min_contains: Option<u64>,
    max_contains: Option<u64>,
    /// `$dynamicRef` or `$recursiveRef`.
    pub(super) dynamic: Option<(String, crate::span::Span, RefKind)>,
    /// Draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum`.
    pub(super) exclusive_minimum: bool,
    pub(super) exclusive_maximum: bool,
}

impl Reader {
    /// Reads `member` when it is an applicator keyword of the file's draft; `false` when it is
    /// not one (the caller then treats it as unknown).
    pub(super) fn applicator<'j>(
        &mut self,
        node: &mut Node,
        member: &'j Member<'j>,
        pointer: &str,
        pending: &mut Pending<'j>,
    ) -> Result<bool, ReadError> {
        let draft = self.draft;
        let key = member.key.as_ref();
        let value = &member.value;
        let at = pointer::push(pointer, key);
        let invalid = |what: &str| (format!("`{key}` must be {what}"), value.span);
        let since_2019 = draft >= Draft::Draft201909;
        match key {
            "not" => {
                self.applicators(node).not =
                    Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "if" if draft >= Draft::Draft7 => {
                pending.test = Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "then" if draft >= Draft::Draft7 => {
                pending.then = Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "else" if draft >= Draft::Draft7 => {
                pending.otherwise = Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "patternProperties" => {
                let members = value.as_object().ok_or_else(|| invalid("an object"))?;
                let mut patterns = Vec::with_capacity(members.len());
                for m in members {
                    if crate::check::pattern::ecma_regex(&m.key).is_none() {
                        self.warn(
                            &pointer::push(&at, &m.key),
                            m.key_span,
                            "pattern uses a construct this tool does not evaluate as ECMA-262 \
                             does; members it decides are undecided"
                                .into(),
                        );
                    }
                    let id = self.read(&m.value, pointer::push(&at, &m.key), Some(m.key_span))?;
                    patterns.push((m.key.to_string(), id));
                }
                self.applicators(node).pattern_properties = patterns;
            }
            "propertyNames" if draft >= Draft::Draft6 => {
                self.applicators(node).property_names =
                    Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "dependencies" if !since_2019 => {
                let members = value.as_object().ok_or_else(|| invalid("an object"))?;
                for m in members {
                    match &m.value.value {
                        JsonValue::Array(names) => {
                            let names = strings(names).ok_or_else(|| {
                                invalid("an object of arrays of names or schemas")
                            })?;
                            self.applicators(node)
                                .dependent_required
                                .push((m.key.to_string(), names));
                        }
                        _ => {
                            let id =
                                self.read(&m.value, pointer::push(&at, &m.key), Some(m.key_span))?;
                            self.applicators(node)
                                .dependent_schemas
                                .push((m.key.to_string(), id));
                        }
                    }
                }
            }
            "dependentRequired" if since_2019 => {
                let members = value.as_object().ok_or_else(|| invalid("an object"))?;
                for m in members {
                    let JsonValue::Array(names) = &m.value.value else {
                        return Err(invalid("an object of arrays of property names"));
                    };
                    let names = strings(names)
                        .ok_or_else(|| invalid("an object of arrays of property names"))?;
                    self.applicators(node)
                        .dependent_required
                        .push((m.key.to_string(), names));
                }
            }
            "dependentSchemas" if since_2019 => {
                let members = value.as_object().ok_or_else(|| invalid("an object"))?;
                for m in members {
                    let id = self.read(&m.value, pointer::push(&at, &m.key), Some(m.key_span))?;
                    self.applicators(node)
                        .dependent_schemas
                        .push((m.key.to_string(), id));
                }
            }
            "prefixItems" if draft >= Draft::Draft202012 => {
                pending.prefix = Some(self.read_list(value, &at)?);
            }
            "additionalItems" if draft < Draft::Draft202012 => {
                pending.additional_items =
                    Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "contains" if draft >= Draft::Draft6 => {
                pending.contains = Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "minContains" if since_2019 => {
                pending.min_contains =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "maxContains" if since_2019 => {
                pending.max_contains =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "unevaluatedProperties" if since_2019 => {
                self.annotates = true;
                self.applicators(node).unevaluated_properties =
                    Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "unevaluatedItems" if since_2019 => {
                self.annotates = true;
                self.applicators(node).unevaluated_items =
                    Some(self.read(value, at.clone(), Some(member.key_span))?)
            }
            "$dynamicRef" if draft >= Draft::Draft202012 => {
                let target = value.as_str().ok_or_else(|| invalid("a string"))?;
                pending.dynamic = Some((target.to_owned(), value.span, RefKind::Dynamic));
            }
            "$recursiveRef" if draft == Draft::Draft201909 => {
                let target = value.as_str().ok_or_else(|| invalid("a string"))?;
                pending.dynamic = Some((target.to_owned(), value.span, RefKind::Recursive));
            }
            // Read with the node's resource (see `Reader::enter_resource`); they name places,
            // they do not constrain documents.
            "$anchor" | "$recursiveAnchor" | "$dynamicAnchor" if since_2019 => return Ok(true),
            _ => return Ok(false),
        }
        self.uncompared(node, &at, member);
        Ok(true)
    }

    /// Reads an array of schemas (`prefixItems`, tuple `items`, `allOf`, …).
    pub(super) fn read_list(&mut self, value: &Json, at: &str) -> Result<Vec<NodeId>, ReadError> {
        let JsonValue::Array(items) = &value.value else {
            return Err(("expected an array of schemas".to_owned(), value.span));
        };
        let mut ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            ids.push(self.read(item, pointer::push(at, &i.to_string()), None)?);
        }
        Ok(ids)
    }

    /// A keyword the instance check applies and `diff` does not compare: warned about, and
    /// listed as unsupported so that a change to it is undecided.
    pub(super) fn uncompared(&mut self, node: &mut Node, at: &str, member: &Member) {
        self.warn(
            at,
            member.key_span,
            format!(
                "`{}` is checked in witnesses but not compared by diff; a change to it is \
                 undecided",
                member.key
            ),
        );
        node.unsupported
            .push((member.key.to_string(), member.value.to_value()));
    }

    pub(super) fn applicators<'n>(&self, node: &'n mut Node) -> &'n mut Applicators {
        node.applicators.get_or_insert_with(Default::default)
    }

    /// Combines what needs more than one member: `if`/`then`/`else`, tuples and the items after
    /// them, `contains` with its counts, draft-04's boolean exclusive bounds.
    pub(super) fn finish_applicators(
        &mut self,
        node: &mut Node,
        pending: Pending<'_>,
        pointer: &str,
    ) {
        if let Some(test) = pending.test {
            self.applicators(node).condition = Some(Condition {
                test,
                then: pending.then,
                otherwise: pending.otherwise,
            });
        }
        if let Some(prefix) = pending.prefix {
            // 2020-12: `items` beside `prefixItems` applies to the items after the prefix.
            let rest = node.array.items.take();
            if let (Some(_), Some(items)) = (rest, pending.items) {
                let at = pointer::push(pointer, "items");
                self.uncompared(node, &at, items);
            }
            let applicators = self.applicators(node);
            applicators.prefix_items = Some(prefix);
            applicators.rest_items = rest;
        } else if let Some(tuple) = pending.tuple {
            let applicators = self.applicators(node);
            applicators.prefix_items = Some(tuple);
            applicators.rest_items = pending.additional_items;
        }
        if let Some(schema) = pending.contains {
            self.applicators(node).contains = Some(Contains {
                schema,
                min: pending.min_contains.unwrap_or(1),
                max: pending.max_contains,
            });
        }
        if pending.exclusive_minimum
            && let Some(minimum) = node.number.minimum.take()
        {
            node.number.exclusive_minimum = Some(minimum);
        }
        if pending.exclusive_maximum
            && let Some(maximum) = node.number.maximum.take()
        {
            node.number.exclusive_maximum = Some(maximum);
        }
    }
}

fn strings(items: &[Json]) -> Option<Vec<String>> {
    items
        .iter()
        .map(|i| i.as_str().map(str::to_owned))
        .collect()
}
