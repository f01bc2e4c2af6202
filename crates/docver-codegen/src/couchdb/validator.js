  // JSON Schema checks for the keywords docver's schemas use. ES5 only: CouchDB's JavaScript
  // engine may be old. Each check returns an error message ("/path: what is wrong") or null.
  function typeOf(value) {
    if (value === null) {
      return "null";
    }
    if (Array.isArray(value)) {
      return "array";
    }
    return typeof value;
  }

  function hasType(value, type) {
    if (type === "integer") {
      return typeof value === "number" && isFinite(value) && Math.floor(value) === value;
    }
    return typeOf(value) === type;
  }

  function equal(a, b) {
    if (typeOf(a) !== typeOf(b)) {
      return false;
    }
    if (typeOf(a) === "array") {
      if (a.length !== b.length) {
        return false;
      }
      for (var i = 0; i < a.length; i++) {
        if (!equal(a[i], b[i])) {
          return false;
        }
      }
      return true;
    }
    if (typeOf(a) === "object") {
      var keys = Object.keys(a);
      if (keys.length !== Object.keys(b).length) {
        return false;
      }
      for (var k = 0; k < keys.length; k++) {
        if (!Object.prototype.hasOwnProperty.call(b, keys[k]) || !equal(a[keys[k]], b[keys[k]])) {
          return false;
        }
      }
      return true;
    }
    return a === b;
  }

  function at(path, message) {
    return (path === "" ? "/" : path) + ": " + message;
  }

  function child(path, key) {
    return path + "/" + String(key).replace(/~/g, "~0").replace(/\//g, "~1");
  }

  function resolve(root, ref) {
    if (ref.charAt(0) !== "#") {
      return undefined;
    }
    var node = root;
    var parts = ref.slice(1).split("/");
    for (var i = 1; i < parts.length; i++) {
      var key = decodeURIComponent(parts[i]).replace(/~1/g, "/").replace(/~0/g, "~");
      if (typeOf(node) !== "object" || !Object.prototype.hasOwnProperty.call(node, key)) {
        return undefined;
      }
      node = node[key];
    }
    return node;
  }

  function codePoints(text) {
    return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "_").length;
  }

  function check(root, schema, value, path, depth) {
    if (schema === true) {
      return null;
    }
    if (schema === false) {
      return at(path, "no value is allowed here");
    }
    if (depth > 100) {
      return at(path, "schema references nest too deeply");
    }
    var error = null;
    var i;
    if (schema.$ref !== undefined) {
      var target = resolve(root, schema.$ref);
      if (target === undefined) {
        return at(path, "schema reference " + schema.$ref + " does not resolve");
      }
      error = check(root, target, value, path, depth + 1);
      if (error) {
        return error;
      }
    }
    if (schema.type !== undefined) {
      var types = typeof schema.type === "string" ? [schema.type] : schema.type;
      var typed = false;
      for (i = 0; i < types.length; i++) {
        typed = typed || hasType(value, types[i]);
      }
      if (!typed) {
        return at(path, "expected " + types.join(" or ") + ", found " + typeOf(value));
      }
    }
    if (schema.const !== undefined && !equal(value, schema.const)) {
      return at(path, "must be " + JSON.stringify(schema.const));
    }
    if (schema["enum"] !== undefined) {
      var listed = false;
      for (i = 0; i < schema["enum"].length; i++) {
        listed = listed || equal(value, schema["enum"][i]);
      }
      if (!listed) {
        return at(path, "must be one of " + schema["enum"].map(function (v) {
          return JSON.stringify(v);
        }).join(", ") + ", found " + JSON.stringify(value));
      }
    }
    if (typeof value === "string") {
      error = checkString(schema, value, path);
    } else if (typeof value === "number") {
      error = checkNumber(schema, value, path);
    } else if (typeOf(value) === "array") {
      error = checkArray(root, schema, value, path, depth);
    } else if (typeOf(value) === "object") {
      error = checkObject(root, schema, value, path, depth);
    }
    return error || checkCombinators(root, schema, value, path, depth);
  }

  function checkString(schema, value, path) {
    var length = codePoints(value);
    if (schema.minLength !== undefined && length < schema.minLength) {
      return at(path, "must be at least " + schema.minLength + " characters long");
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      return at(path, "must be at most " + schema.maxLength + " characters long");
    }
    if (schema.pattern !== undefined) {
      var regex = compile(schema.pattern);
      if (regex === null) {
        return at(path, "the schema's pattern " + JSON.stringify(schema.pattern) + " does not compile on this server");
      }
      if (!regex.test(value)) {
        return at(path, "must match the pattern " + schema.pattern);
      }
    }
    return null;
  }

  // With the "u" flag, as JSON Schema patterns are Unicode-aware (\p{L} matches "é"). A
  // pattern this engine cannot compile rejects the write with a message instead of failing it.
  function compile(pattern) {
    try {
      return new RegExp(pattern, "u");
    } catch (e) {
      return null;
    }
  }

  function checkNumber(schema, value, path) {
    if (schema.minimum !== undefined && value < schema.minimum) {
      return at(path, "must be at least " + schema.minimum);
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      return at(path, "must be at most " + schema.maximum);
    }
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
      return at(path, "must be greater than " + schema.exclusiveMinimum);
    }
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) {
      return at(path, "must be less than " + schema.exclusiveMaximum);
    }
    if (schema.multipleOf !== undefined) {
      var quotient = value / schema.multipleOf;
      if (Math.abs(quotient - Math.round(quotient)) > 1e-9) {
        return at(path, "must be a multiple of " + schema.multipleOf);
      }
    }
    return null;
  }

  function checkArray(root, schema, value, path, depth) {
    var error = null;
    var i;
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return at(path, "must have at least " + schema.minItems + " items");
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return at(path, "must have at most " + schema.maxItems + " items");
    }
    var prefix = schema.prefixItems || [];
    for (i = 0; i < value.length && !error; i++) {
      var itemSchema = i < prefix.length ? prefix[i] : schema.items;
      if (itemSchema !== undefined) {
        error = check(root, itemSchema, value[i], child(path, i), depth + 1);
      }
    }
    if (!error && schema.uniqueItems === true) {
      for (i = 0; i < value.length && !error; i++) {
        for (var j = i + 1; j < value.length && !error; j++) {
          if (equal(value[i], value[j])) {
            error = at(path, "items " + i + " and " + j + " are equal, but items must be unique");
          }
        }
      }
    }
    return error;
  }

  function checkObject(root, schema, value, path, depth) {
    var i;
    var required = schema.required || [];
    for (i = 0; i < required.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, required[i])) {
        return at(child(path, required[i]), "is required but missing");
      }
    }
    var properties = schema.properties || {};
    var keys = Object.keys(value);
    for (i = 0; i < keys.length; i++) {
      var key = keys[i];
      var error = null;
      if (Object.prototype.hasOwnProperty.call(properties, key)) {
        error = check(root, properties[key], value[key], child(path, key), depth + 1);
      } else if (path === "" && key.charAt(0) === "_") {
        // CouchDB's own fields (_id, _rev, _revisions, _attachments, ...) are not the schema's.
        error = null;
      } else if (schema.additionalProperties === false) {
        error = at(child(path, key), "is not allowed (the object is closed)");
      } else if (schema.additionalProperties !== undefined) {
        error = check(root, schema.additionalProperties, value[key], child(path, key), depth + 1);
      }
      if (error) {
        return error;
      }
    }
    return null;
  }

  function checkCombinators(root, schema, value, path, depth) {
    var i;
    var error;
    if (schema.allOf !== undefined) {
      for (i = 0; i < schema.allOf.length; i++) {
        error = check(root, schema.allOf[i], value, path, depth + 1);
        if (error) {
          return error;
        }
      }
    }
    if (schema.anyOf !== undefined) {
      var firstError = null;
      for (i = 0; i < schema.anyOf.length; i++) {
        error = check(root, schema.anyOf[i], value, path, depth + 1);
        if (!error) {
          break;
        }
        firstError = firstError || error;
      }
      if (i === schema.anyOf.length) {
        return at(path, "matches none of " + schema.anyOf.length + " alternatives (first: " + firstError + ")");
      }
    }
    if (schema.oneOf !== undefined) {
      var matches = 0;
      for (i = 0; i < schema.oneOf.length; i++) {
        if (!check(root, schema.oneOf[i], value, path, depth + 1)) {
          matches++;
        }
      }
      if (matches !== 1) {
        return at(path, "matches " + matches + " of " + schema.oneOf.length + " variants, but must match exactly one");
      }
    }
    if (schema.not !== undefined && !check(root, schema.not, value, path, depth + 1)) {
      return at(path, "matches a schema it must not match");
    }
    return null;
  }
