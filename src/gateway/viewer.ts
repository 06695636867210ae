/**
 * The signed-in user of a request or subscription socket: who the gateway
 * sends as `x-amz-chime-bearer`. Only ever built from a verified token.
 */
export interface Viewer {
  /** AppInstanceUser (or bot) ARN, the Chime bearer. */
  userArn: string;
  /** The AppInstance the user belongs to. */
  appInstanceArn: string;
  /** The token's `sub`, for logs (never the token itself). */
  subject: string;
}
