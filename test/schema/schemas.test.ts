import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compileSchemas, readSchema, SCHEMA_FILES, type SchemaFormat } from './compile-schemas.js';

/** Every subschema that carries `examples`, with its JSON Pointer. */
function schemasWithExamples(node: unknown, path = ''): Array<{ path: string; schema: Record<string, unknown> }> {
  if (typeof node !== 'object' || node === null) return [];
  const here = !Array.isArray(node) && 'examples' in node ? [{ path, schema: node as Record<string, unknown> }] : [];
  return [
    ...here,
    ...Object.entries(node)
      .filter(([key]) => key !== 'examples')
      .flatMap(([key, child]) => schemasWithExamples(child, `${path}/${key}`)),
  ];
}

/** The members a schema describes (every `properties` entry), with their JSON Pointer. */
function describedMembers(node: unknown, path = ''): Array<{ path: string; schema: Record<string, unknown> }> {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, child]) => {
    const own = key === 'properties' && typeof child === 'object' && child !== null
      ? Object.entries(child).map(([name, s]) => ({ path: `${path}/properties/${name}`, schema: s as Record<string, unknown> }))
      : [];
    return [...own, ...describedMembers(child, `${path}/${key}`)];
  });
}

const formats = Object.keys(SCHEMA_FILES) as SchemaFormat[];

describe('JSON Schemas', () => {
  it('compile under ajv strict mode (draft 2020-12)', () => {
    const validators = compileSchemas();
    expect(Object.keys(validators).sort()).toEqual(['explainer', 'standard']);
  });

  it.each(formats)('%s: every example validates against the schema it illustrates', (format) => {
    const root = readSchema(format);
    const subjects = schemasWithExamples(root);
    expect(subjects.length).toBeGreaterThan(20);
    const ajv = new Ajv2020({ strict: true });
    ajv.addSchema(root);
    const failures = subjects.flatMap(({ path, schema }) => {
      const validate = path === '' ? ajv.getSchema(root.$id as string)! : ajv.getSchema(`${root.$id as string}#${path}`)!;
      return (schema.examples as unknown[]).filter((example) => !validate(example)).map((example) => ({ path, example }));
    });
    expect(failures).toEqual([]);
  });

  it.each(formats)('%s: every member has a title, a description and an example', (format) => {
    // `properties` inside if/then/dependentSchemas only narrow members described elsewhere.
    const members = describedMembers(readSchema(format)).filter(({ path }) => !/\/(if|then|dependentSchemas)\//.test(path));
    expect(members.length).toBeGreaterThan(10);
    const incomplete = members
      // A bare $ref points at a definition that carries its own title, description and examples.
      .filter(({ schema }) => !('$ref' in schema && Object.keys(schema).length === 1))
      .filter(({ schema }) => typeof schema.title !== 'string' || typeof schema.description !== 'string' || !Array.isArray(schema.examples))
      .map(({ path }) => path);
    expect(incomplete).toEqual([]);
  });
});
