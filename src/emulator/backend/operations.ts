/**
 * Every implemented operation, by AWS operation name. Each domain file owns
 * its operations; this file only gathers them.
 */
import { OperationHandler, OperationTable } from './operation';
import { identityOperations } from './identity';
import { channelOperations } from './channels';
import { membershipOperations } from './memberships';
import { moderatorOperations } from './moderators';
import { banOperations } from './bans';
import { messageOperations } from './messages';
import { sessionEndpointOperations } from './session-endpoint';
import { tagOperations } from './tags';
import { preferenceOperations } from './preferences';
import { searchOperations } from './search';
import { streamingOperations } from './streaming';
import { subChannelOperations } from './sub-channels';
import { accountOperations } from './accounts';
import { roomOperations } from './rooms';
import { roomMembershipOperations } from './room-memberships';
import { roomMessageOperations } from './room-messages';
import { channelFlowOperations } from './channel-flows';

const tables: OperationTable[] = [
  identityOperations,
  channelOperations,
  membershipOperations,
  moderatorOperations,
  banOperations,
  messageOperations,
  sessionEndpointOperations,
  tagOperations,
  preferenceOperations,
  searchOperations,
  streamingOperations,
  subChannelOperations,
  accountOperations,
  roomOperations,
  roomMembershipOperations,
  roomMessageOperations,
  channelFlowOperations,
];

/** Looks up the implementation of an operation, if the local service has one. */
export function findOperation(name: string): OperationHandler | undefined {
  for (const table of tables) {
    if (Object.prototype.hasOwnProperty.call(table, name)) return table[name];
  }
  return undefined;
}

/** Names of every implemented operation. */
export function implementedOperations(): string[] {
  return tables.flatMap((t) => Object.keys(t));
}
