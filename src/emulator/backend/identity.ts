/**
 * Chime SDK Identity: AppInstances, their users, admins and bots. These calls
 * are authorized by the caller's AWS credentials alone (no bearer), as in AWS.
 */
import type {
  CreateAppInstanceRequest,
  CreateAppInstanceResponse,
  CreateAppInstanceUserRequest,
  CreateAppInstanceUserResponse,
  DescribeAppInstanceUserRequest,
  DescribeAppInstanceUserResponse,
} from '@aws-sdk/client-chime-sdk-identity';
import { conflict, notFound } from '../errors';
import { AppInstanceUserRow } from '../store/rows';
import { appInstanceArn, assertChimeArn, childArn } from './arns';
import { Backend } from './backend';
import { idempotent } from './idempotency';
import { OperationTable } from './operation';
import { assertClientRequestToken, assertLength, assertPattern, RESOURCE_NAME } from './validate';
import { putTags } from './tags';

/** Loads an AppInstance ARN or throws NotFound. */
export function requireAppInstance(backend: Backend, arn: string): void {
  assertChimeArn('AppInstanceArn', arn);
  if (!backend.db.prepare('SELECT 1 FROM app_instances WHERE arn = ?').get(arn)) throw notFound(`AppInstance ${arn} not found.`);
}

function createAppInstance(backend: Backend, input: CreateAppInstanceRequest): CreateAppInstanceResponse {
  assertLength('Name', input.Name, 1, 256);
  assertPattern('Name', input.Name, RESOURCE_NAME);
  assertLength('Metadata', input.Metadata, 0, 1024);
  assertClientRequestToken(input.ClientRequestToken);
  return backend.transaction(() =>
    idempotent(backend, 'CreateAppInstance', input.ClientRequestToken, input, () => {
      const arn = appInstanceArn(backend, backend.newId());
      const now = backend.now();
      backend.db
        .prepare('INSERT INTO app_instances (arn, name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(arn, input.Name, input.Metadata ?? null, now, now);
      putTags(backend, arn, input.Tags);
      return { AppInstanceArn: arn };
    }),
  );
}

const USER_ID = /^[A-Za-z0-9]([A-Za-z0-9\:\-\_\.\@]{0,62}[A-Za-z0-9])?$/;

function createAppInstanceUser(backend: Backend, input: CreateAppInstanceUserRequest): CreateAppInstanceUserResponse {
  const instance = input.AppInstanceArn as string;
  requireAppInstance(backend, instance);
  assertLength('AppInstanceUserId', input.AppInstanceUserId, 1, 64);
  assertPattern('AppInstanceUserId', input.AppInstanceUserId, USER_ID);
  assertLength('Name', input.Name, 1, 100);
  assertLength('Metadata', input.Metadata, 0, 1024);
  assertClientRequestToken(input.ClientRequestToken);
  return backend.transaction(() =>
    idempotent(backend, `CreateAppInstanceUser|${instance}`, input.ClientRequestToken, input, () => {
      const arn = childArn(instance, 'user', input.AppInstanceUserId as string);
      if (backend.db.prepare('SELECT 1 FROM app_instance_users WHERE arn = ?').get(arn)) {
        throw conflict(`AppInstanceUser ${input.AppInstanceUserId} already exists.`);
      }
      const now = backend.now();
      backend.db
        .prepare(
          'INSERT INTO app_instance_users (arn, app_instance_arn, user_id, name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(arn, instance, input.AppInstanceUserId, input.Name, input.Metadata ?? null, now, now);
      putTags(backend, arn, input.Tags);
      return { AppInstanceUserArn: arn };
    }),
  );
}

function describeAppInstanceUser(backend: Backend, input: DescribeAppInstanceUserRequest): DescribeAppInstanceUserResponse {
  const arn = input.AppInstanceUserArn as string;
  assertChimeArn('AppInstanceUserArn', arn);
  const row = backend.db.prepare('SELECT * FROM app_instance_users WHERE arn = ?').get(arn) as AppInstanceUserRow | undefined;
  if (!row) throw notFound(`AppInstanceUser ${arn} not found.`);
  return {
    AppInstanceUser: {
      AppInstanceUserArn: row.arn,
      Name: row.name,
      Metadata: row.metadata ?? undefined,
      CreatedTimestamp: new Date(row.created_at),
      LastUpdatedTimestamp: new Date(row.updated_at),
      ExpirationSettings: row.expiration_json ? JSON.parse(row.expiration_json) : undefined,
    },
  };
}

/** Identity operations, by AWS operation name. */
export const identityOperations: OperationTable = {
  CreateAppInstance: createAppInstance,
  CreateAppInstanceUser: createAppInstanceUser,
  DescribeAppInstanceUser: describeAppInstanceUser,
};
