/**
 * The executable schema: the SDL of schema.graphql (the source of truth,
 * at the repository root) joined with the resolvers, one file per type.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';

/** Where schema.graphql lives: the repository root, from both src/gateway and dist/gateway. */
export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', 'schema.graphql');

/** Reads schema.graphql. */
export function readTypeDefs(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}

/** Builds the executable schema. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: readTypeDefs(), resolvers });
}
