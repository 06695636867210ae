/**
 * ARN shapes of the resources the local service creates, as real Chime
 * writes them: `arn:aws:chime:<region>:<account>:app-instance/<id>[/user|bot|channel/<id>]`.
 */
import { badRequest } from '../errors';

/** Where ARNs are minted: one region and account per local service. */
export interface ArnScope {
  region: string;
  accountId: string;
}

/** The ChimeArn pattern from the model's constraints. */
const CHIME_ARN = /^arn:[a-z0-9-.]{1,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[^/].{0,1023}$/;

/** ARN of a new AppInstance. */
export const appInstanceArn = (scope: ArnScope, id: string): string => `arn:aws:chime:${scope.region}:${scope.accountId}:app-instance/${id}`;
/** ARN of a child of an AppInstance (`user`, `bot`, `channel`, `channel-flow`). */
export const childArn = (instanceArn: string, kind: 'user' | 'bot' | 'channel' | 'channel-flow', id: string): string => `${instanceArn}/${kind}/${id}`;

/** The AppInstance ARN a user, bot or channel ARN belongs to, or undefined if it has none. */
export function appInstanceOf(arn: string): string | undefined {
  const m = /^(arn:[^:]*:chime:[^:]*:[^:]*:app-instance\/[^/]+)(\/|$)/.exec(arn);
  return m?.[1];
}

/** Checks the ChimeArn constraint (length 5..1600 and pattern), naming the parameter in the error. */
export function assertChimeArn(name: string, value: string): void {
  if (value.length < 5 || value.length > 1600 || !CHIME_ARN.test(value)) {
    throw badRequest(`${name} is not a valid ARN: "${value.slice(0, 100)}".`);
  }
}
