/**
 * Turns the verified user claim into a Viewer: the claim holds either a full
 * AppInstanceUser (or bot) ARN, or a bare user id resolved against the
 * AppInstance the gateway serves.
 */
import { Viewer } from '../viewer';
import { unauthenticated } from './errors';

/** `arn:aws:chime:<region>:<account>:app-instance/<id>/(user|bot)/<id>`. */
const MEMBER_ARN = /^(arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance\/[A-Za-z0-9_.-]+)\/(user|bot)\/[A-Za-z0-9:_.@-]{1,64}$/;
/** AppInstanceUserId as Chime constrains it. */
const USER_ID = /^[A-Za-z0-9]([A-Za-z0-9:_.@-]{0,62}[A-Za-z0-9])?$/;

/** True when `value` can be a user claim: an AppInstanceUser/bot ARN or a user id. */
export function isUserClaim(value: string): boolean {
  return MEMBER_ARN.test(value) || (USER_ID.test(value) && !value.startsWith('arn:'));
}

/**
 * The Viewer a claim names. `appInstanceArn`, when set, is the only
 * AppInstance accepted: a token for a user of another one is refused.
 */
export function viewerFromClaim(claimName: string, claim: unknown, subject: string | undefined, appInstanceArn: string | undefined): Viewer {
  if (typeof claim !== 'string' || claim === '') {
    throw unauthenticated(`The token has no "${claimName}" claim naming the user.`);
  }
  let userArn: string;
  let instance: string;
  const match = MEMBER_ARN.exec(claim);
  if (match) {
    userArn = claim;
    instance = match[1];
    if (appInstanceArn && instance !== appInstanceArn) {
      throw unauthenticated(`The token's user belongs to another AppInstance than the one this gateway serves.`);
    }
  } else if (USER_ID.test(claim) && !claim.startsWith('arn:')) {
    if (!appInstanceArn) throw unauthenticated(`The "${claimName}" claim holds a user id, but the gateway has no AppInstance to resolve it against.`);
    userArn = `${appInstanceArn}/user/${claim}`;
    instance = appInstanceArn;
  } else {
    throw unauthenticated(`The "${claimName}" claim is neither an AppInstanceUser ARN nor a user id.`);
  }
  return { userArn, appInstanceArn: instance, subject: subject ?? claim };
}
