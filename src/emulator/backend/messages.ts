import { OperationTable } from './operation';

/** Operations of this domain, by AWS operation name. */
export const messageOperations: OperationTable = {};
