/**
 * Parsed and validated subscription documents by query text. Thousands of
 * clients subscribe with the same few documents, so each is parsed and
 * validated once; the least recently used are dropped beyond the bound.
 */
import { DocumentNode, GraphQLError, GraphQLSchema, parse, validate } from 'graphql';

/** A usable document, or why it is not. */
export type CheckedDocument = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: readonly GraphQLError[] };

/** A bounded LRU of checked documents for one schema. */
export class DocumentCache {
  private readonly entries = new Map<string, CheckedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxEntries: number,
  ) {}

  /** The document of `query`, parsed and validated against the schema once. */
  get(query: string): CheckedDocument {
    const cached = this.entries.get(query);
    if (cached) {
      // Most recently used last, so the bound drops the least recently used first.
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    const checked = check(this.schema, query);
    this.entries.set(query, checked);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return checked;
  }
}

/** Parses and validates; errors carry the codes Apollo Server gives them over HTTP. */
function check(schema: GraphQLSchema, query: string): CheckedDocument {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    if (err instanceof GraphQLError) return { errors: [withCode(err, 'GRAPHQL_PARSE_FAILED')] };
    throw err;
  }
  const errors = validate(schema, document);
  return errors.length > 0 ? { errors: errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) } : { document };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
