// ---------------------------------------------------------------------------------------------
// The runtime every generated module carries (the module has no dependencies): JSON helpers, the
// lens operations with the reference interpreter's semantics (`docver-lens`), the JSON Schema
// checks of the CouchDB validation (`couchdb/validator.js`, typed), and the three-way merge of
// write-back (`docver::document::three_way`). Errors name the JSON pointer and the operation
// as the Rust runtime does.
// ---------------------------------------------------------------------------------------------

/** A JSON object as documents hold it: any keys, unknown fields included. */
export type JsonObject = { [key: string]: unknown };

/** Which way a lens runs. */
type Way = "up" | "down";

/** What went wrong, as the Rust runtime's errors say it. */
export type ErrorKind =
  | "not-this-family"
  | "unknown-version"
  | "invalid"
  | "lens"
  | "edit-lost";

/** Every failure of the generated module: a kind, a JSON pointer, the lens operation if any. */
export class DocverError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly pointer: string,
    readonly op: string | null,
    readonly detail: string,
    readonly paths: readonly string[] = [],
  ) {
    super(
      (pointer === "" ? "at the root: " : "at " + pointer + ": ") +
        (op === null ? "" : op + ": ") +
        detail,
    );
    this.name = "DocverError";
  }
}

function lensError(at: string, op: string, detail: string): DocverError {
  return new DocverError("lens", at, op, detail);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Sets an own property, even one named `__proto__`, so no key can reach a prototype. */
function put(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** A deep copy of a JSON value (own `__proto__` keys stay plain keys). */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** `null`, `a boolean`, `a number`, `a string`, `an array`, `an object`. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "boolean":
      return "a boolean";
    case "number":
      return "a number";
    case "string":
      return "a string";
    default:
      return "an object";
  }
}

/** JSON equality: objects by key regardless of order, `undefined` only equal to itself. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]))
    );
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => has(b, key) && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

/** `pointer` with one more reference token (RFC 6901). */
function pointerPush(pointer: string, token: string | number): string {
  return pointer + "/" + String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

function objectAt(doc: unknown, at: string, op: string): JsonObject {
  if (!isObject(doc)) {
    throw lensError(at, op, "expected an object, found " + kindOf(doc));
  }
  return doc;
}

// ---- Lens operations: each takes the current value, its pointer, the operation's declared
// arguments and the way it runs, exactly as `docver-lens` applies them.

function flip(way: Way): Way {
  return way === "up" ? "down" : "up";
}

/** `add`: up inserts `name` with its default (null when none) if missing; down removes it. */
function add(doc: unknown, at: string, name: string, fallback: unknown, way: Way): void {
  const op = (way === "up" ? "add `" : "remove `") + name + "`";
  const object = objectAt(doc, at, op);
  if (way === "up") {
    if (!has(object, name)) put(object, name, fallback === undefined ? null : copy(fallback));
  } else {
    delete object[name];
  }
}

/** `remove`: `add` the other way round. */
function remove(doc: unknown, at: string, name: string, fallback: unknown, way: Way): void {
  add(doc, at, name, fallback, flip(way));
}

/** `rename`, keeping the property's position; never onto an existing property. */
function rename(doc: unknown, at: string, from: string, to: string, way: Way): void {
  const op = "rename `" + from + "` to `" + to + "`";
  const [source, target] = way === "up" ? [from, to] : [to, from];
  const object = objectAt(doc, at, op);
  if (!has(object, source)) return;
  if (has(object, target)) {
    throw lensError(
      at,
      op,
      "cannot rename `" + source + "` to `" + target + "`: `" + target + "` already exists",
    );
  }
  const entries = Object.keys(object).map((key): [string, unknown] => [
    key === source ? target : key,
    object[key],
  ]);
  for (const key of Object.keys(object)) delete object[key];
  for (const [key, value] of entries) put(object, key, value);
}

/** `hoist`: up moves `host.name` to `name`; down moves it back (creating the host). */
function hoist(doc: unknown, at: string, host: string, name: string, way: Way): void {
  const op = (way === "up" ? "hoist `" + name + "` out of `" : "plunge `" + name + "` into `") + host + "`";
  const object = objectAt(doc, at, op);
  const hostAt = pointerPush(at, host);
  if (way === "up") {
    const holder = has(object, host) ? object[host] : null;
    if (holder === null) return;
    if (!isObject(holder)) {
      throw lensError(hostAt, op, "expected an object, found " + kindOf(holder));
    }
    if (!has(holder, name)) return;
    const value = holder[name];
    delete holder[name];
    if (has(object, name)) throw lensError(at, op, "`" + name + "` already exists");
    put(object, name, value);
    return;
  }
  if (!has(object, name)) return;
  if (!has(object, host)) put(object, host, null);
  if (object[host] === null) object[host] = {};
  const holder = object[host];
  if (!isObject(holder)) {
    throw lensError(hostAt, op, "expected an object, found " + kindOf(holder));
  }
  if (has(holder, name)) throw lensError(hostAt, op, "`" + name + "` already exists");
  const value = object[name];
  delete object[name];
  put(holder, name, value);
}

/** `plunge`: `hoist` the other way round. */
function plunge(doc: unknown, at: string, host: string, name: string, way: Way): void {
  hoist(doc, at, host, name, flip(way));
}

function wrapValue(doc: unknown, at: string, name: string, op: string): void {
  const object = objectAt(doc, at, op);
  if (has(object, name)) {
    const value = object[name];
    object[name] = value === null ? [] : [value];
  }
}

function headValue(doc: unknown, at: string, name: string, fallback: unknown, op: string): void {
  const object = objectAt(doc, at, op);
  const orDefault = (): unknown => (fallback === undefined ? null : copy(fallback));
  if (!has(object, name)) put(object, name, null);
  const value = object[name];
  if (value === null) {
    object[name] = orDefault();
  } else if (Array.isArray(value)) {
    object[name] = value.length > 0 ? value[0] : orDefault();
  } else {
    object[name] = null;
    throw lensError(pointerPush(at, name), op, "expected an array, found " + kindOf(value));
  }
}

/** `wrap`: up a value becomes a one-element array (null: empty); down its first element. */
function wrap(doc: unknown, at: string, name: string, fallback: unknown, way: Way): void {
  const op = "wrap `" + name + "`";
  if (way === "up") wrapValue(doc, at, name, op);
  else headValue(doc, at, name, fallback, op);
}

/** `head`: up an array becomes its first element (or the default); down a one-element array. */
function head(doc: unknown, at: string, name: string, fallback: unknown, way: Way): void {
  const op = "head `" + name + "`";
  if (way === "up") headValue(doc, at, name, fallback, op);
  else wrapValue(doc, at, name, op);
}

/** `in`: operations on the value of `name` (nothing when it is missing or null). */
function inside(
  doc: unknown,
  at: string,
  name: string,
  ops: (inner: unknown, at: string) => void,
): void {
  const object = objectAt(doc, at, "in `" + name + "`");
  if (!has(object, name) || object[name] === null) return;
  ops(object[name], pointerPush(at, name));
}

/** `map`: operations on every element of the current array (null is left alone). */
function each(doc: unknown, at: string, ops: (item: unknown, at: string) => void): void {
  if (doc === null) return;
  if (!Array.isArray(doc)) {
    throw lensError(at, "map", "expected an array, found " + kindOf(doc));
  }
  doc.forEach((item, i) => ops(item, pointerPush(at, i)));
}

/** `convert`: the value of `name` mapped through the table of the way it runs. */
function convert(
  doc: unknown,
  at: string,
  name: string,
  table: readonly (readonly [unknown, unknown])[],
  fallback: unknown,
  tableName: "forward" | "reverse",
): void {
  const op = "convert `" + name + "`";
  const object = objectAt(doc, at, op);
  if (!has(object, name)) return;
  const value = object[name];
  const entry = table.find(([key]) => jsonEqual(key, value));
  if (entry !== undefined) {
    object[name] = copy(entry[1]);
  } else if (fallback !== undefined) {
    object[name] = copy(fallback);
  } else {
    throw lensError(
      pointerPush(at, name),
      op,
      JSON.stringify(value) +
        " is not in the " + tableName + " table and there is no " + tableName + "_default",
    );
  }
}

// ---- Write-back: the three-way merge and the places two documents differ, as
// `docver::document::three_way` defines them (conflicts resolved to `theirs`, the edit).

/** Merges two descendants of `base`; `undefined` is an absent value. */
function merge3(base: unknown, ours: unknown, theirs: unknown): unknown {
  if (jsonEqual(ours, theirs)) return copy(ours);
  if (jsonEqual(ours, base)) return copy(theirs);
  if (jsonEqual(theirs, base)) return copy(ours);
  if (isObject(ours) && isObject(theirs)) {
    const ancestor = isObject(base) ? base : undefined;
    const keys = Object.keys(ours).concat(Object.keys(theirs).filter((key) => !has(ours, key)));
    const merged: JsonObject = {};
    for (const key of keys) {
      const value = merge3(
        ancestor !== undefined && has(ancestor, key) ? ancestor[key] : undefined,
        has(ours, key) ? ours[key] : undefined,
        has(theirs, key) ? theirs[key] : undefined,
      );
      if (value !== undefined) put(merged, key, value);
    }
    return merged;
  }
  return copy(theirs);
}

/** The JSON pointers at which `a` and `b` differ, innermost, in document order. */
function differences(a: unknown, b: unknown, path = "", found: string[] = []): string[] {
  if (jsonEqual(a, b)) return found;
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).concat(Object.keys(b).filter((key) => !has(a, key)));
    for (const key of keys) {
      const at = pointerPush(path, key);
      if (has(a, key) && has(b, key)) differences(a[key], b[key], at, found);
      else found.push(at);
    }
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => differences(item, b[i], pointerPush(path, i), found));
  } else {
    found.push(path);
  }
  return found;
}

// ---- Validation: the JSON Schema keywords docver's schemas use, with the semantics of the
// CouchDB validation function (`couchdb/validator.js`). Each check returns "/path: what is
// wrong" or null.

function schemaType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value: unknown, type: unknown): boolean {
  if (type === "integer") {
    return typeof value === "number" && isFinite(value) && Math.floor(value) === value;
  }
  return schemaType(value) === type;
}

function located(path: string, message: string): string {
  return (path === "" ? "/" : path) + ": " + message;
}

function resolveRef(root: unknown, ref: string): unknown {
  if (ref.charAt(0) !== "#") return undefined;
  let node = root;
  const parts = ref.slice(1).split("/");
  for (let i = 1; i < parts.length; i++) {
    const key = decodeURIComponent(parts[i]).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) || !has(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function codePoints(text: string): number {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "_").length;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function schemaList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function check(root: unknown, schema: unknown, value: unknown, path: string, depth: number): string | null {
  if (schema === true) return null;
  if (schema === false) return located(path, "no value is allowed here");
  if (!isObject(schema)) return null;
  if (depth > 100) return located(path, "schema references nest too deeply");
  if (typeof schema["$ref"] === "string") {
    const target = resolveRef(root, schema["$ref"]);
    if (target === undefined) {
      return located(path, "schema reference " + schema["$ref"] + " does not resolve");
    }
    const error = check(root, target, value, path, depth + 1);
    if (error !== null) return error;
  }
  if (schema["type"] !== undefined) {
    const types = typeof schema["type"] === "string" ? [schema["type"]] : schemaList(schema["type"]);
    if (!types.some((type) => hasType(value, type))) {
      return located(path, "expected " + types.join(" or ") + ", found " + schemaType(value));
    }
  }
  if (has(schema, "const") && !jsonEqual(value, schema["const"])) {
    return located(path, "must be " + JSON.stringify(schema["const"]));
  }
  if (Array.isArray(schema["enum"]) && !schema["enum"].some((v) => jsonEqual(value, v))) {
    return located(
      path,
      "must be one of " + schema["enum"].map((v) => JSON.stringify(v)).join(", ") +
        ", found " + JSON.stringify(value),
    );
  }
  let error: string | null = null;
  if (typeof value === "string") error = checkString(schema, value, path);
  else if (typeof value === "number") error = checkNumber(schema, value, path);
  else if (Array.isArray(value)) error = checkArray(root, schema, value, path, depth);
  else if (isObject(value)) error = checkObject(root, schema, value, path, depth);
  return error ?? checkCombinators(root, schema, value, path, depth);
}

function checkString(schema: JsonObject, value: string, path: string): string | null {
  const length = codePoints(value);
  const min = numberOr(schema["minLength"]);
  const max = numberOr(schema["maxLength"]);
  if (min !== undefined && length < min) return located(path, "must be at least " + min + " characters long");
  if (max !== undefined && length > max) return located(path, "must be at most " + max + " characters long");
  if (typeof schema["pattern"] === "string") {
    let regex: RegExp;
    try {
      regex = new RegExp(schema["pattern"], "u");
    } catch {
      return located(path, "the schema's pattern " + JSON.stringify(schema["pattern"]) + " does not compile here");
    }
    if (!regex.test(value)) return located(path, "must match the pattern " + schema["pattern"]);
  }
  return null;
}

function checkNumber(schema: JsonObject, value: number, path: string): string | null {
  const minimum = numberOr(schema["minimum"]);
  const maximum = numberOr(schema["maximum"]);
  const exclusiveMinimum = numberOr(schema["exclusiveMinimum"]);
  const exclusiveMaximum = numberOr(schema["exclusiveMaximum"]);
  const multipleOf = numberOr(schema["multipleOf"]);
  if (minimum !== undefined && value < minimum) return located(path, "must be at least " + minimum);
  if (maximum !== undefined && value > maximum) return located(path, "must be at most " + maximum);
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) {
    return located(path, "must be greater than " + exclusiveMinimum);
  }
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) {
    return located(path, "must be less than " + exclusiveMaximum);
  }
  if (multipleOf !== undefined) {
    const quotient = value / multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) {
      return located(path, "must be a multiple of " + multipleOf);
    }
  }
  return null;
}

function checkArray(root: unknown, schema: JsonObject, value: unknown[], path: string, depth: number): string | null {
  const min = numberOr(schema["minItems"]);
  const max = numberOr(schema["maxItems"]);
  if (min !== undefined && value.length < min) return located(path, "must have at least " + min + " items");
  if (max !== undefined && value.length > max) return located(path, "must have at most " + max + " items");
  const prefix = schemaList(schema["prefixItems"]);
  for (let i = 0; i < value.length; i++) {
    const itemSchema = i < prefix.length ? prefix[i] : schema["items"];
    if (itemSchema !== undefined) {
      const error = check(root, itemSchema, value[i], pointerPush(path, i), depth + 1);
      if (error !== null) return error;
    }
  }
  if (schema["uniqueItems"] === true) {
    for (let i = 0; i < value.length; i++) {
      for (let j = i + 1; j < value.length; j++) {
        if (jsonEqual(value[i], value[j])) {
          return located(path, "items " + i + " and " + j + " are equal, but items must be unique");
        }
      }
    }
  }
  return null;
}

function checkObject(root: unknown, schema: JsonObject, value: JsonObject, path: string, depth: number): string | null {
  for (const name of schemaList(schema["required"])) {
    if (typeof name === "string" && !has(value, name)) {
      return located(pointerPush(path, name), "is required but missing");
    }
  }
  const properties = isObject(schema["properties"]) ? schema["properties"] : {};
  for (const key of Object.keys(value)) {
    let error: string | null = null;
    if (has(properties, key)) {
      error = check(root, properties[key], value[key], pointerPush(path, key), depth + 1);
    } else if (path === "" && key.charAt(0) === "_") {
      // CouchDB's own fields (_id, _rev, _attachments, ...) are not the schema's.
      error = null;
    } else if (schema["additionalProperties"] === false) {
      error = located(pointerPush(path, key), "is not allowed (the object is closed)");
    } else if (schema["additionalProperties"] !== undefined) {
      error = check(root, schema["additionalProperties"], value[key], pointerPush(path, key), depth + 1);
    }
    if (error !== null) return error;
  }
  return null;
}

function checkCombinators(root: unknown, schema: JsonObject, value: unknown, path: string, depth: number): string | null {
  for (const branch of schemaList(schema["allOf"])) {
    const error = check(root, branch, value, path, depth + 1);
    if (error !== null) return error;
  }
  if (Array.isArray(schema["anyOf"])) {
    const errors: string[] = [];
    for (const branch of schema["anyOf"]) {
      const error = check(root, branch, value, path, depth + 1);
      if (error === null) break;
      errors.push(error);
    }
    if (errors.length === schema["anyOf"].length) {
      return located(
        path,
        "matches none of " + errors.length + " alternatives (first: " + errors[0] + ")",
      );
    }
  }
  if (Array.isArray(schema["oneOf"])) {
    const matches = schema["oneOf"].filter((branch) => check(root, branch, value, path, depth + 1) === null).length;
    if (matches !== 1) {
      return located(path, "matches " + matches + " of " + schema["oneOf"].length + " variants, but must match exactly one");
    }
  }
  if (schema["not"] !== undefined && check(root, schema["not"], value, path, depth + 1) === null) {
    return located(path, "matches a schema it must not match");
  }
  return null;
}
