/**
 * Resolver maps of mapped types must implement every field: the model is not
 * the GraphQL type, so a field without a resolver would silently be null.
 * Typing them `Complete<...>` makes a field added to schema.graphql fail the
 * build until its resolver exists.
 */
export type Complete<R> = Required<Omit<R, '__isTypeOf'>>;
