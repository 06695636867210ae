/**
 * ChannelFlowCallback: a processor's answer for the message it was invoked
 * with (flow-processor.ts describes the invocation). "You can return one of
 * the following processing responses: update message content or metadata,
 * deny a message, make no changes to the message."
 *
 * Rules (API reference; choices marked):
 * - DeleteResource true denies the message ("When a processor determines
 *   that a message needs to be DENIED"); the ChannelMessage is then ignored.
 * - Otherwise each of Content, Metadata, ContentType, MessageAttributes and
 *   PushNotification given replaces the message's; omitted ones stay. The
 *   result must fit the limits of a sent message. An empty Metadata clears it.
 * - MessageId (and SubChannelId, if given) must be those of the message the
 *   CallbackId was issued for: BadRequest otherwise, as for a CallbackId this
 *   service never issued for the channel.
 * - Like ClientRequestToken, the CallbackId makes the call idempotent (the
 *   model marks it so): the same answer again returns the same result; a
 *   different answer with a used CallbackId, or any answer after the
 *   invocation ended (deadline passed, or FallbackAction applied), is a
 *   ConflictException.
 * - No ChimeBearer: processors are authorized by IAM, so locally anyone
 *   holding a CallbackId may answer it.
 */
import type { ChannelFlowCallbackRequest, ChannelFlowCallbackResponse, ChannelMessageCallback } from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, conflict } from '../errors';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { invocationById, InvocationOutcome, InvocationRow, messageOf, Settlement, settleInvocation } from './flow-processing';
import { flowProcessor } from './flow-processor';
import { idempotent } from './idempotency';
import { MessageWithSender } from './message-view';
import { assertContentType, assertMessageAttributes, assertMessageBody, assertMessageIdentifier, assertPushNotification } from './messages';
import { OperationTable, Output } from './operation';
import { assertLength } from './validate';

/** Checks what the model constrains on its own, before anything is looked up. */
function assertCallback(input: ChannelFlowCallbackRequest): ChannelMessageCallback {
  if (input.CallbackId === undefined) throw badRequest('CallbackId is required.');
  assertLength('CallbackId', input.CallbackId, 32, 64);
  assertChimeArn('ChannelArn', input.ChannelArn as string);
  const message = input.ChannelMessage;
  if (!message) throw badRequest('ChannelMessage is required.');
  if (message.MessageId === undefined) throw badRequest('ChannelMessage.MessageId is required.');
  assertMessageIdentifier('ChannelMessage.MessageId', message.MessageId);
  assertMessageIdentifier('ChannelMessage.SubChannelId', message.SubChannelId);
  assertContentType(message.ContentType);
  assertMessageAttributes(message.MessageAttributes);
  assertPushNotification(message.PushNotification);
  return message;
}

/** The message as the processor leaves it. */
function processed(message: MessageWithSender, answer: ChannelMessageCallback): MessageWithSender {
  const next: MessageWithSender = {
    ...message,
    content: answer.Content ?? message.content,
    metadata: answer.Metadata === undefined ? message.metadata : answer.Metadata || null,
    content_type: answer.ContentType ?? message.content_type,
    attributes_json: answer.MessageAttributes ? JSON.stringify(answer.MessageAttributes) : message.attributes_json,
    push_json: answer.PushNotification ? JSON.stringify(answer.PushNotification) : message.push_json,
  };
  assertMessageBody(next.type, next.content, next.metadata ?? undefined);
  return next;
}

const ENDED: Record<Exclude<InvocationRow['state'], 'WAITING'>, string> = {
  ANSWERED: 'was already answered',
  ERRORED: 'ended when its processor could not be invoked',
  TIMED_OUT: 'ended when its processor did not call back in time',
};

function channelFlowCallback(backend: Backend, input: ChannelFlowCallbackRequest): Output<ChannelFlowCallbackResponse> {
  const answer = assertCallback(input);
  const channelArn = input.ChannelArn as string;
  const callbackId = input.CallbackId as string;
  const flows = flowProcessor(backend);
  let settlement: Settlement | undefined;
  const output = backend.transaction(() =>
    idempotent(backend, `ChannelFlowCallback|${channelArn}`, callbackId, input, () => {
      const invocation = invocationById(backend, callbackId);
      if (!invocation || invocation.channel_arn !== channelArn) {
        throw badRequest(`CallbackId ${callbackId} was not issued for a message of channel ${channelArn}.`);
      }
      const message = messageOf(invocation);
      if (answer.MessageId !== message.message_id) {
        throw badRequest(`ChannelMessage.MessageId must be ${message.message_id}, the message CallbackId ${callbackId} was issued for; got ${answer.MessageId}.`);
      }
      if (answer.SubChannelId !== undefined && answer.SubChannelId !== message.sub_channel_id) {
        throw badRequest(`ChannelMessage.SubChannelId must be ${message.sub_channel_id ?? 'absent'} for message ${message.message_id}; got ${answer.SubChannelId}.`);
      }
      if (invocation.state !== 'WAITING') throw conflict(`CallbackId ${callbackId} ${ENDED[invocation.state]}; message ${message.message_id} has moved on.`);
      const outcome: InvocationOutcome = input.DeleteResource ? { kind: 'denied' } : { kind: 'answered', message: processed(message, answer) };
      settlement = settleInvocation(backend, invocation, outcome, flows.nextDeadline());
      return { ChannelArn: channelArn, CallbackId: callbackId };
    }),
  );
  // A replayed callback settled nothing.
  if (settlement) flows.carryOut(settlement);
  return output;
}

/** ChannelFlowCallback, by AWS operation name. */
export const channelFlowCallbackOperations: OperationTable = {
  ChannelFlowCallback: channelFlowCallback,
};
