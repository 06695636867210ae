/**
 * Amazon Chime accounts and their users, as far as rooms need them:
 * CreateAccount, GetAccount, ListAccounts, DeleteAccount, InviteUsers,
 * CreateUser, GetUser, ListUsers. Like the rest of the Chime API they are
 * authorized by the caller's AWS credentials alone (no bearer header).
 *
 * Local-service choices where Chime behaves through things it does not serve
 * (email, sign-in, suspension):
 * - CreateAccount makes a `Team` account, as Chime does. Chime documents rooms
 *   for Enterprise accounts, which only directory sign-in can make; the local
 *   service allows rooms in every account instead of refusing them all.
 * - InviteUsers sends no email: each invite answers `Status: Pending`,
 *   `EmailStatus: NotSent`, and the user it creates stays
 *   `UserInvitationStatus: Pending`, `UserRegistrationStatus: Unregistered`
 *   (nobody can accept). Such users can still join rooms.
 * - CreateUser makes a user who is registered at once (no invitation).
 * - DeleteAccount deletes the account with its users, rooms, memberships and
 *   messages. Chime first requires suspending a Team account's users, which
 *   the local service cannot serve, so it does not require it.
 */
import type {
  Account,
  CreateAccountRequest,
  CreateAccountResponse,
  CreateUserRequest,
  CreateUserResponse,
  DeleteAccountRequest,
  GetAccountRequest,
  GetAccountResponse,
  GetUserRequest,
  GetUserResponse,
  Invite,
  InviteUsersRequest,
  InviteUsersResponse,
  ListAccountsRequest,
  ListAccountsResponse,
  ListUsersRequest,
  ListUsersResponse,
  User,
} from '@aws-sdk/client-chime';
import { badRequest, conflict, notFound } from '../errors';
import { ChimeAccountRow, ChimeUserRow, findAccountUser, requireAccount } from './account-store';
import { Backend } from './backend';
import { keysetPage, pageRequest } from './keyset-page';
import { OperationTable, Output } from './operation';
import { assertEnum, assertLength, assertPattern } from './validate';

/** The model's AccountName and UserName: 1..100 characters with at least one that is not a space. */
const NOT_BLANK = /\S/;
/** The model's EmailAddress pattern. */
const EMAIL = /^.+@.+\..+$/;
const USER_TYPES = ['PrivateUser', 'SharedDevice'] as const;
/** "Sends email to a maximum of 50 users" (InviteUsers). */
const MAX_INVITES = 50;
/** ListAccounts and ListUsers take MaxResults 1..200 (ProfileServiceMaxResults). */
const MAX_PAGE = 200;
/** Licenses a Team account offers; new users get the default, Pro, as in Chime. */
const SUPPORTED_LICENSES = ['Basic', 'Pro'] as const;
const DEFAULT_LICENSE = 'Pro';

// ---------------------------------------------------------------- views

function accountOf(backend: Backend, row: ChimeAccountRow): Account {
  return {
    AwsAccountId: backend.accountId,
    AccountId: row.account_id,
    Name: row.name,
    AccountType: 'Team',
    CreatedTimestamp: new Date(row.created_at),
    DefaultLicense: DEFAULT_LICENSE,
    SupportedLicenses: [...SUPPORTED_LICENSES],
    AccountStatus: 'Active',
  };
}

function userOf(row: ChimeUserRow): User {
  return {
    UserId: row.user_id,
    AccountId: row.account_id,
    PrimaryEmail: row.email ?? undefined,
    DisplayName: row.display_name ?? undefined,
    LicenseType: row.license_type as User['LicenseType'],
    UserType: row.user_type as User['UserType'],
    UserRegistrationStatus: row.registration_status as User['UserRegistrationStatus'],
    UserInvitationStatus: (row.invitation_status ?? undefined) as User['UserInvitationStatus'],
    InvitedOn: row.invited_at === null ? undefined : new Date(row.invited_at),
    RegisteredOn: row.registered_at === null ? undefined : new Date(row.registered_at),
  };
}

function assertEmail(name: string, email: string | undefined): void {
  assertPattern(name, email, EMAIL);
}

/** Emails identify users case-insensitively, as mail addresses do in practice. */
const emailKey = (email: string): string => email.toLowerCase();

function findUserByEmail(backend: Backend, accountId: string, email: string): ChimeUserRow | undefined {
  return backend.statement('SELECT * FROM chime_users WHERE account_id = ? AND email_key = ?').get(accountId, emailKey(email)) as ChimeUserRow | undefined;
}

// ---------------------------------------------------------------- accounts

function createAccount(backend: Backend, input: CreateAccountRequest): Output<CreateAccountResponse> {
  assertLength('Name', input.Name, 1, 100);
  assertPattern('Name', input.Name, NOT_BLANK);
  const row: ChimeAccountRow = { account_id: backend.newId(), name: input.Name as string, created_at: backend.now() };
  backend.statement('INSERT INTO chime_accounts (account_id, name, created_at) VALUES (?, ?, ?)').run(row.account_id, row.name, row.created_at);
  return { Account: accountOf(backend, row) };
}

function getAccount(backend: Backend, input: GetAccountRequest): Output<GetAccountResponse> {
  return { Account: accountOf(backend, requireAccount(backend, input.AccountId as string)) };
}

/**
 * Name keeps the accounts whose name starts with it ("account name prefix
 * with which to filter results"; compared exactly, case and all, as Chime
 * says nothing of folding case); UserEmail keeps the accounts that have a
 * user with that email.
 */
function listAccounts(backend: Backend, input: ListAccountsRequest): Output<ListAccountsResponse> {
  // The Name filter is an AccountName (1..100) in the model, as in CreateAccount.
  assertLength('Name', input.Name, 1, 100);
  if (input.UserEmail !== undefined) assertEmail('UserEmail', input.UserEmail);
  const filters: string[] = [];
  const params: unknown[] = [];
  if (input.Name !== undefined) {
    // substr, not LIKE: no wildcard in a name can widen the match.
    filters.push('substr(name, 1, length(?)) = ?');
    params.push(input.Name, input.Name);
  }
  if (input.UserEmail !== undefined) {
    filters.push('account_id IN (SELECT account_id FROM chime_users WHERE email_key = ?)');
    params.push(emailKey(input.UserEmail));
  }
  const { rows, NextToken } = keysetPage<ChimeAccountRow>(backend, {
    scope: `ListAccounts|${JSON.stringify([input.Name, input.UserEmail && emailKey(input.UserEmail)])}`,
    from: 'chime_accounts',
    where: filters,
    params,
    keys: ['created_at', 'account_id'],
    page: pageRequest(input, MAX_PAGE),
  });
  return { Accounts: rows.map((r) => accountOf(backend, r)), NextToken };
}

/** Deletes the account; the schema's cascades take its users, rooms, memberships and messages. */
function deleteAccount(backend: Backend, input: DeleteAccountRequest): void {
  const accountId = input.AccountId as string;
  backend.transaction(() => {
    requireAccount(backend, accountId);
    backend.statement('DELETE FROM chime_accounts WHERE account_id = ?').run(accountId);
  });
}

// ---------------------------------------------------------------- users

/**
 * Invites each address. A new address becomes a Pending, Unregistered user;
 * an address that is already a user of the account is invited again (a new
 * InviteId, no second user), and its invite carries the user's status.
 */
function inviteUsers(backend: Backend, input: InviteUsersRequest): Output<InviteUsersResponse> {
  const accountId = input.AccountId as string;
  const emails = input.UserEmailList ?? [];
  if (emails.length < 1 || emails.length > MAX_INVITES) {
    throw badRequest(`UserEmailList must hold 1..${MAX_INVITES} email addresses, got ${emails.length}.`);
  }
  emails.forEach((email, i) => assertEmail(`UserEmailList[${i}]`, email));
  assertEnum('UserType', input.UserType, USER_TYPES);
  return backend.transaction(() => {
    requireAccount(backend, accountId);
    const invites: Invite[] = emails.map((email) => {
      const now = backend.now();
      const existing = findUserByEmail(backend, accountId, email);
      if (existing) {
        if (existing.invitation_status === 'Pending') {
          backend.statement('UPDATE chime_users SET invited_at = ? WHERE user_id = ?').run(now, existing.user_id);
        }
      } else {
        backend
          .statement(
            `INSERT INTO chime_users (user_id, account_id, email, email_key, user_type, license_type, registration_status, invitation_status, invited_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'Unregistered', 'Pending', ?, ?)`,
          )
          .run(backend.newId(), accountId, email, emailKey(email), input.UserType ?? 'PrivateUser', DEFAULT_LICENSE, now, now);
      }
      // A user made by CreateUser has no invitation but is already in, so its invite reads Accepted.
      const status = (existing ? (existing.invitation_status ?? 'Accepted') : 'Pending') as Invite['Status'];
      return { InviteId: backend.newId(), Status: status, EmailAddress: email, EmailStatus: 'NotSent' };
    });
    return { Invites: invites };
  });
}

/** A user who is registered at once; an email already used in the account is a Conflict. */
function createUser(backend: Backend, input: CreateUserRequest): Output<CreateUserResponse> {
  const accountId = input.AccountId as string;
  assertLength('Username', input.Username, 1, 100);
  assertPattern('Username', input.Username, NOT_BLANK);
  if (input.Email !== undefined) assertEmail('Email', input.Email);
  assertEnum('UserType', input.UserType, USER_TYPES);
  return backend.transaction(() => {
    requireAccount(backend, accountId);
    if (input.Email !== undefined && findUserByEmail(backend, accountId, input.Email)) {
      throw conflict(`A user with email ${input.Email} already exists in account ${accountId}.`);
    }
    const now = backend.now();
    const row: ChimeUserRow = {
      user_id: backend.newId(),
      account_id: accountId,
      email: input.Email ?? null,
      email_key: input.Email === undefined ? null : emailKey(input.Email),
      display_name: input.Username ?? null,
      user_type: input.UserType ?? 'PrivateUser',
      license_type: DEFAULT_LICENSE,
      registration_status: 'Registered',
      invitation_status: null,
      invited_at: null,
      registered_at: now,
      created_at: now,
    };
    backend
      .statement(
        `INSERT INTO chime_users (user_id, account_id, email, email_key, display_name, user_type, license_type, registration_status, invitation_status, invited_at, registered_at, created_at)
         VALUES (@user_id, @account_id, @email, @email_key, @display_name, @user_type, @license_type, @registration_status, @invitation_status, @invited_at, @registered_at, @created_at)`,
      )
      .run(row);
    return { User: userOf(row) };
  });
}

function getUser(backend: Backend, input: GetUserRequest): Output<GetUserResponse> {
  const accountId = input.AccountId as string;
  requireAccount(backend, accountId);
  const row = findAccountUser(backend, accountId, input.UserId as string);
  if (!row) throw notFound(`User ${input.UserId} not found in account ${accountId}.`);
  return { User: userOf(row) };
}

/** UserEmail filters by address (case-insensitive), UserType by type. */
function listUsers(backend: Backend, input: ListUsersRequest): Output<ListUsersResponse> {
  const accountId = input.AccountId as string;
  if (input.UserEmail !== undefined) assertEmail('UserEmail', input.UserEmail);
  assertEnum('UserType', input.UserType, USER_TYPES);
  requireAccount(backend, accountId);
  const filters = ['account_id = ?'];
  const params: unknown[] = [accountId];
  if (input.UserEmail !== undefined) {
    filters.push('email_key = ?');
    params.push(emailKey(input.UserEmail));
  }
  if (input.UserType !== undefined) {
    filters.push('user_type = ?');
    params.push(input.UserType);
  }
  const { rows, NextToken } = keysetPage<ChimeUserRow>(backend, {
    scope: `ListUsers|${accountId}|${JSON.stringify([input.UserEmail && emailKey(input.UserEmail), input.UserType])}`,
    from: 'chime_users',
    where: filters,
    params,
    keys: ['created_at', 'user_id'],
    page: pageRequest(input, MAX_PAGE),
  });
  return { Users: rows.map(userOf), NextToken };
}

/** The accounts and users operations, by AWS operation name. */
export const accountOperations: OperationTable = {
  CreateAccount: createAccount,
  GetAccount: getAccount,
  ListAccounts: listAccounts,
  DeleteAccount: deleteAccount,
  InviteUsers: inviteUsers,
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
};
