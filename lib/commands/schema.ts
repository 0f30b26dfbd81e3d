import { jsonSchema } from '../spec/schema';

/** `inferstack schema`: the JSON Schema, serialized exactly as committed in schema/inferstack.schema.json. */
export function schemaText(): string {
  return `${JSON.stringify(jsonSchema(), null, 2)}\n`;
}
