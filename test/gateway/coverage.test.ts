/**
 * Coverage: every AWS operation the project claims is implemented by the
 * local Chime service and used by the graph.
 *
 * Claimed: all operations of the Chime SDK Messaging model; the Chime SDK
 * Identity operations the graph uses (listed below, and checked against what
 * the gateway's code actually sends); the Amazon Chime rooms set
 * (CHIME_ROOMS_OPERATIONS). An operation counts as used by the graph when
 * (1) a description in schema.graphql names it and (2) the gateway's graph
 * code (resolvers, loaders, upstream) sends its `<Name>Command`, imported
 * from that API's client package. It counts as implemented when the local
 * service's `findOperation(name)` has a handler.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { findOperation } from '../../src/emulator/backend/operations';
import { CHIME_ROOMS_OPERATIONS } from '../../src/emulator/protocol/model';
import messagingModel from '../../src/emulator/models/chime-sdk-messaging.json';
import identityModel from '../../src/emulator/models/chime-sdk-identity.json';

type Service = 'messaging' | 'identity' | 'chime';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_OF: Record<string, Service> = {
  '@aws-sdk/client-chime-sdk-messaging': 'messaging',
  '@aws-sdk/client-chime-sdk-identity': 'identity',
  '@aws-sdk/client-chime': 'chime',
};
/** The Upstream methods and the API each one calls. */
const SERVICE_OF_METHOD: Record<string, Service> = {
  messaging: 'messaging',
  messagingAsAdmin: 'messaging',
  identity: 'identity',
  identityAsAdmin: 'identity',
  rooms: 'chime',
};

/**
 * The Chime SDK Identity operations the graph uses. The gateway reads users,
 * bots and its AppInstance, checks the AppInstanceAdmin role, and serves the
 * retention settings; administering AppInstances, users and bots stays with
 * the identity API itself.
 */
const IDENTITY_IN_GRAPH = [
  'DescribeAppInstance',
  'DescribeAppInstanceUser',
  'DescribeAppInstanceBot',
  'DescribeAppInstanceAdmin',
  'GetAppInstanceRetentionSettings',
  'PutAppInstanceRetentionSettings',
];

/**
 * Claimed operations deliberately left out of the graph, each with the
 * reason. Kept empty: every claimed operation is reachable.
 */
const NOT_IN_GRAPH: Record<string, string> = {};

const MESSAGING = Object.keys(messagingModel.operations).sort();
const IDENTITY_ALL = new Set(Object.keys(identityModel.operations));
const CHIME = [...CHIME_ROOMS_OPERATIONS].sort();

/** Every description in the schema: types, fields, arguments, input fields, enum values. */
function descriptionsOf(schema: GraphQLSchema): string {
  const texts: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    texts.push(type.description ?? '');
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        texts.push(field.description ?? '', ...field.args.map((a) => a.description ?? ''));
      }
    } else if (isInputObjectType(type)) {
      texts.push(...Object.values(type.getFields()).map((f) => f.description ?? ''));
    } else if (isEnumType(type)) {
      texts.push(...type.getValues().map((v) => v.description ?? ''));
    }
  }
  return texts.join('\n');
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** `Service:Operation` for every command the graph code sends, with the file it is sent from. */
function sentOperations(): Map<string, string> {
  const files = [...tsFiles(path.join(ROOT, 'src/gateway/resolvers')), path.join(ROOT, 'src/gateway/loaders.ts'), path.join(ROOT, 'src/gateway/upstream.ts')];
  const sent = new Map<string, string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const packageOf = new Map<string, Service>();
    for (const m of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
      const service = PACKAGE_OF[m[2]];
      if (!service) continue;
      for (const name of m[1].split(',').map((n) => n.trim().split(/\s+as\s+/).pop()!)) if (name) packageOf.set(name, service);
    }
    const record = (command: string, expected?: Service) => {
      const service = packageOf.get(command);
      if (!service) throw new Error(`${path.relative(ROOT, file)} sends ${command}, which it does not import from a Chime client package.`);
      if (expected && service !== expected) throw new Error(`${path.relative(ROOT, file)} sends ${command} (${service}) through the ${expected} client.`);
      sent.set(`${service}:${command.replace(/Command$/, '')}`, path.relative(ROOT, file));
    };
    for (const m of source.matchAll(/\.(messagingAsAdmin|messaging|identityAsAdmin|identity|rooms)\(\s*(\w+Command)\b/g)) record(m[2], SERVICE_OF_METHOD[m[1]]);
    for (const m of source.matchAll(/\bnew\s+(\w+Command)\s*\(/g)) record(m[1]);
  }
  return sent;
}

const schema = buildSchema(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
const descriptions = descriptionsOf(schema);
const sent = sentOperations();
const named = (operation: string): boolean => new RegExp(`\\b${operation}\\b`).test(descriptions);

/** What is missing for one claimed operation: local implementation, schema description, command sent. */
function gaps(service: Service, operation: string): string[] {
  const missing: string[] = [];
  if (!findOperation(operation)) missing.push('no local-service implementation');
  if (!named(operation)) missing.push('no schema description names it');
  if (!sent.has(`${service}:${operation}`)) missing.push(`the graph never sends ${operation}Command`);
  return missing;
}

describe('coverage of the Chime SDK Messaging API', () => {
  test('the model holds the 51 operations of the current API', () => {
    expect(MESSAGING).toHaveLength(51);
  });

  test.each(MESSAGING)('%s is implemented locally and used by the graph', (operation) => {
    if (NOT_IN_GRAPH[operation]) {
      expect(findOperation(operation)).toBeDefined();
      return;
    }
    expect(gaps('messaging', operation)).toEqual([]);
  });
});

describe('coverage of the Chime SDK Identity API', () => {
  test('the graph sends exactly the identity operations it claims', () => {
    const sentIdentity = [...sent.keys()].filter((k) => k.startsWith('identity:')).map((k) => k.slice('identity:'.length));
    expect(sentIdentity.sort()).toEqual([...IDENTITY_IN_GRAPH].sort());
  });

  test.each(IDENTITY_IN_GRAPH)('%s is implemented locally and used by the graph', (operation) => {
    expect(IDENTITY_ALL.has(operation)).toBe(true);
    expect(gaps('identity', operation)).toEqual([]);
  });
});

describe('coverage of the Amazon Chime rooms API', () => {
  test('the rooms set holds rooms, memberships, redaction and the accounts and users they need', () => {
    expect(CHIME).toEqual(
      expect.arrayContaining(['ListRooms', 'GetRoom', 'CreateRoom', 'UpdateRoom', 'DeleteRoom', 'CreateRoomMembership', 'UpdateRoomMembership']),
    );
    expect(CHIME).toEqual(expect.arrayContaining(['DeleteRoomMembership', 'ListRoomMemberships', 'BatchCreateRoomMembership', 'RedactRoomMessage']));
  });

  test.each(CHIME)('%s is implemented locally and used by the graph', (operation) => {
    expect(gaps('chime', operation)).toEqual([]);
  });
});

describe('the coverage claims stay honest', () => {
  test('every operation left out of the graph has a written reason and a local implementation', () => {
    for (const [operation, reason] of Object.entries(NOT_IN_GRAPH)) {
      expect(reason.trim().length).toBeGreaterThan(20);
      expect(findOperation(operation)).toBeDefined();
      expect(sent.has(`messaging:${operation}`)).toBe(false);
    }
  });

  test('every claimed operation a schema description names is one the graph sends', () => {
    const claimed: [Service, string][] = [
      ...MESSAGING.map((op): [Service, string] => ['messaging', op]),
      ...IDENTITY_IN_GRAPH.map((op): [Service, string] => ['identity', op]),
      ...CHIME.map((op): [Service, string] => ['chime', op]),
    ];
    const namedButNotSent = claimed.filter(([service, op]) => named(op) && !sent.has(`${service}:${op}`) && !NOT_IN_GRAPH[op]);
    expect(namedButNotSent).toEqual([]);
  });
});
