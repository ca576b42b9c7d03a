// Test-only: an independent checker for the subset of JSON Schema 2020-12 that seen-deck.schema.json
// uses, so tests can hold decks against the published schema without ajv (ajv compiles with eval,
// which our CSP forbids, and we do not add it just for tests). A keyword outside the subset throws,
// so extending the schema without extending this checker fails loudly instead of passing silently.

type SchemaNode = Readonly<Record<string, unknown>>;

/** Keywords that only describe; they never make a value invalid. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'title', 'description']);
const ASSERTIONS = new Set([
  '$ref', 'type', 'const', 'enum', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems',
  'items', 'required', 'properties', 'additionalProperties',
]);
const LOCAL_REF_PREFIX = '#/$defs/';

/** Every violation as `pointer: keyword`; an empty list means the value is valid. */
export function checkJsonSchema(schema: SchemaNode, value: unknown): string[] {
  const violations: string[] = [];
  checkNode(schema, schema, value, '', violations);
  return violations;
}

function checkNode(root: SchemaNode, node: SchemaNode, value: unknown, path: string, violations: string[]): void {
  const fail = (keyword: string): void => {
    violations.push(`${path || '/'}: ${keyword}`);
  };
  for (const keyword of Object.keys(node)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) throw new Error(`checkJsonSchema does not implement "${keyword}"`);
  }
  if (typeof node.$ref === 'string') {
    if (!node.$ref.startsWith(LOCAL_REF_PREFIX)) throw new Error(`checkJsonSchema resolves only local $defs refs, not ${node.$ref}`);
    const target = asNode(asNode(root.$defs)[node.$ref.slice(LOCAL_REF_PREFIX.length)]);
    checkNode(root, target, value, path, violations);
  }
  if (node.type !== undefined && !matchesType(value, node.type)) {
    fail('type');
    return;
  }
  if (node.const !== undefined && !isDeepEqual(value, node.const)) fail('const');
  if (Array.isArray(node.enum) && !node.enum.some((choice: unknown) => isDeepEqual(value, choice))) fail('enum');
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof node.minLength === 'number' && length < node.minLength) fail('minLength');
    if (typeof node.maxLength === 'number' && length > node.maxLength) fail('maxLength');
    if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) fail('pattern');
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems) fail('minItems');
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) fail('maxItems');
    if (node.uniqueItems === true && value.some((item: unknown, index) => value.slice(0, index).some((earlier: unknown) => isDeepEqual(item, earlier)))) {
      fail('uniqueItems');
    }
    if (node.items !== undefined) {
      const itemSchema = asNode(node.items);
      for (let index = 0; index < value.length; index += 1) checkNode(root, itemSchema, value[index], `${path}/${index}`, violations);
    }
  }
  if (isObject(value)) {
    const properties = node.properties === undefined ? {} : asNode(node.properties);
    if (Array.isArray(node.required)) {
      for (const key of node.required) if (typeof key === 'string' && !Object.hasOwn(value, key)) fail(`required ${key}`);
    }
    for (const [key, child] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) checkNode(root, asNode(properties[key]), child, `${path}/${key}`, violations);
      else if (node.additionalProperties === false) fail(`additionalProperties ${key}`);
    }
  }
}

function matchesType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`checkJsonSchema does not implement type ${String(type)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): SchemaNode {
  if (!isObject(value)) throw new Error('schema node is not an object');
  return value;
}

/** JSON equality (what const, enum and uniqueItems compare). */
function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item: unknown, index) => isDeepEqual(item, right[index]));
  }
  if (isObject(left) && isObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && isDeepEqual(left[key], right[key]));
  }
  return false;
}
