/**
 * The contract between the generic wire layer and the per-domain operation
 * files: each file exports a table of operation name -> function of
 * (backend, decoded input) returning the output members.
 */
import { Backend } from './backend';

/** Strips the SDK's response metadata from a command output type. */
export type Output<T> = Omit<T, '$metadata'>;

/** One operation's implementation. Throw a ChimeError to answer with an AWS error. */
export type OperationHandler = (backend: Backend, input: any) => object | void | Promise<object | void>;

/** A domain file's operations, by AWS operation name. */
export type OperationTable = Record<string, OperationHandler>;
