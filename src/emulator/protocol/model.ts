/**
 * Reads the AWS API model files (aws-sdk v2 "min" format) into the operation
 * specs the router and codec work from, so every route, status code and wire
 * name comes from the published model rather than from hand-typed tables.
 */
import messagingModel from '../models/chime-sdk-messaging.json';
import identityModel from '../models/chime-sdk-identity.json';
import chimeModel from '../models/chime.json';

/** Where a member travels on the wire. */
export type MemberLocation = 'uri' | 'querystring' | 'header' | 'headers' | 'body';

/** A resolved shape: a scalar, a structure, a list or a map. */
export interface Shape {
  type: 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'float' | 'blob' | 'structure' | 'list' | 'map';
  members?: Record<string, Member>;
  required?: string[];
  member?: Shape;
  key?: Shape;
  value?: Shape;
  /** A timestamp's wire format when the model names one (the Chime 2018 API uses `iso8601`). */
  timestampFormat?: string;
}

/** A structure member: its shape, where it travels and its wire name. */
export interface Member {
  name: string;
  shape: Shape;
  location: MemberLocation;
  locationName: string;
  idempotencyToken: boolean;
}

/** One operation as the wire sees it. */
export interface OperationSpec {
  /** Which API model it comes from. */
  service: ServiceName;
  name: string;
  method: string;
  /** Path template segments, e.g. ['channels', '{channelArn}', 'messages']. */
  pathSegments: string[];
  /** Literal query parameters in the route, e.g. {operation: 'redact'}. */
  fixedQuery: Record<string, string>;
  responseCode: number;
  input: Shape;
  output: Shape;
}

/** The AWS APIs the local service speaks. */
export type ServiceName = 'messaging' | 'identity' | 'chime';

interface RawModel {
  operations: Record<string, { http: { method?: string; requestUri: string; responseCode?: number }; input?: RawShape; output?: RawShape }>;
  shapes: Record<string, RawShape>;
}
interface RawShape {
  shape?: string;
  type?: string;
  members?: Record<string, RawShape & { location?: string; locationName?: string; idempotencyToken?: boolean }>;
  required?: string[];
  member?: RawShape;
  key?: RawShape;
  value?: RawShape;
  [k: string]: unknown;
}

function resolve(model: RawModel, raw: RawShape | undefined, seen: Map<RawShape, Shape>): Shape {
  if (!raw) return { type: 'structure', members: {} };
  const target = raw.shape ? { ...model.shapes[raw.shape], ...withoutShape(raw) } : raw;
  const cached = seen.get(target);
  if (cached) return cached;
  const type = (target.type ?? (target.members ? 'structure' : 'string')) as Shape['type'];
  const shape: Shape = { type };
  seen.set(target, shape);
  if (type === 'structure') {
    shape.required = target.required ?? [];
    shape.members = {};
    for (const [name, m] of Object.entries(target.members ?? {})) {
      shape.members[name] = {
        name,
        shape: resolve(model, m, seen),
        location: (m.location as MemberLocation | undefined) ?? 'body',
        locationName: m.locationName ?? name,
        idempotencyToken: m.idempotencyToken === true,
      };
    }
  } else if (type === 'list') {
    shape.member = resolve(model, target.member, seen);
  } else if (type === 'map') {
    shape.key = resolve(model, target.key, seen);
    shape.value = resolve(model, target.value, seen);
  } else if (type === 'timestamp' && typeof target.timestampFormat === 'string') {
    shape.timestampFormat = target.timestampFormat;
  }
  return shape;
}

/** Member-level keys (location etc.) stay with the reference, the rest comes from the named shape. */
function withoutShape(raw: RawShape): RawShape {
  const { shape: _ignored, ...rest } = raw;
  return rest;
}

function load(service: ServiceName, model: RawModel, only?: ReadonlySet<string>): OperationSpec[] {
  const seen = new Map<RawShape, Shape>();
  return Object.entries(model.operations)
    .filter(([name]) => !only || only.has(name))
    .map(([name, op]) => {
      const [path, query = ''] = op.http.requestUri.split('?');
      return {
        service,
        name,
        method: op.http.method ?? 'POST',
        pathSegments: path.split('/').filter(Boolean),
        fixedQuery: Object.fromEntries(new URLSearchParams(query)),
        responseCode: op.http.responseCode ?? 200,
        input: resolve(model, op.input, seen),
        output: resolve(model, op.output, seen),
      };
    });
}

/**
 * The Amazon Chime (2018) operations the local service serves: the rooms API
 * of seed 004 plus the accounts and users rooms need. The 2018 model also
 * holds the retired messaging operations, whose routes collide with the
 * Chime SDK Messaging ones, so it is never loaded whole.
 */
export const CHIME_ROOMS_OPERATIONS: ReadonlySet<string> = new Set([
  'CreateAccount', 'GetAccount', 'ListAccounts', 'DeleteAccount',
  'InviteUsers', 'ListUsers', 'GetUser', 'CreateUser',
  'CreateRoom', 'GetRoom', 'ListRooms', 'UpdateRoom', 'DeleteRoom',
  'CreateRoomMembership', 'UpdateRoomMembership', 'DeleteRoomMembership',
  'ListRoomMemberships', 'BatchCreateRoomMembership', 'RedactRoomMessage',
]);

/** Every operation the local service knows, messaging first (its routes win on shared paths like /tags). */
export const OPERATIONS: readonly OperationSpec[] = [
  ...load('messaging', messagingModel as unknown as RawModel),
  ...load('identity', identityModel as unknown as RawModel),
  ...load('chime', chimeModel as unknown as RawModel, CHIME_ROOMS_OPERATIONS),
];

/** Operations of one API model, by name. */
export function operationsOf(service: ServiceName): OperationSpec[] {
  return OPERATIONS.filter((op) => op.service === service);
}
