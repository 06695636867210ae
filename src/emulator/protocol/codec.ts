/**
 * restJson1 as the AWS SDK v3 clients speak it, driven by the model:
 * URI labels, query parameters, headers and a JSON body in; headers and a
 * JSON body out. Timestamps are `Date` inside the service, ISO 8601 in query
 * strings and epoch seconds in JSON bodies (the protocol's defaults).
 */
import { badRequest } from '../errors';
import { Member, OperationSpec, Shape } from './model';

/** The parts of an HTTP request the codec reads. */
export interface WireRequest {
  labels: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The parts of an HTTP response the codec writes. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Builds the operation's input object from the request; rejects missing or malformed members with BadRequest. */
export function decodeInput(op: OperationSpec, req: WireRequest): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  let json: Record<string, unknown> = {};
  if (req.body.trim().length > 0) {
    try {
      const parsed: unknown = JSON.parse(req.body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      json = parsed as Record<string, unknown>;
    } catch {
      throw badRequest('The request body is not a JSON object.');
    }
  }
  for (const member of Object.values(op.input.members ?? {})) {
    const value = readMember(member, req, json);
    if (value !== undefined) input[member.name] = value;
  }
  // Only absence counts as missing: the model lets some required members be
  // empty (e.g. Metadata on updates), and each operation checks lengths.
  for (const name of op.input.required ?? []) {
    if (input[name] === undefined) throw badRequest(`Missing required parameter ${name}.`);
  }
  return input;
}

function readMember(member: Member, req: WireRequest, json: Record<string, unknown>): unknown {
  switch (member.location) {
    case 'uri':
      return req.labels[member.locationName];
    case 'querystring': {
      if (member.shape.type === 'list') {
        const all = req.query.getAll(member.locationName);
        return all.length ? all.map((v) => fromText(member, member.shape.member ?? { type: 'string' }, v)) : undefined;
      }
      const v = req.query.get(member.locationName);
      return v === null ? undefined : fromText(member, member.shape, v);
    }
    case 'header': {
      const v = req.headers[member.locationName.toLowerCase()];
      const text = Array.isArray(v) ? v.join(',') : v;
      return text === undefined ? undefined : fromText(member, member.shape, text);
    }
    case 'headers':
      return undefined;
    default:
      return json[member.locationName] === undefined || json[member.locationName] === null
        ? undefined
        : fromJson(member.name, member.shape, json[member.locationName]);
  }
}

function fromText(member: Member, shape: Shape, text: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(text)) throw badRequest(`Invalid value for ${member.name}: expected an integer, got "${text}".`);
      return Number(text);
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw badRequest(`Invalid value for ${member.name}: expected true or false.`);
      return text === 'true';
    case 'timestamp': {
      const d = /^-?\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
      if (Number.isNaN(d.getTime())) throw badRequest(`Invalid value for ${member.name}: expected an ISO 8601 timestamp, got "${text}".`);
      return d;
    }
    default:
      return text;
  }
}

function fromJson(path: string, shape: Shape, value: unknown): unknown {
  const wrong = (what: string) => badRequest(`Invalid value for ${path}: expected ${what}.`);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrong('an object');
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const m of Object.values(shape.members ?? {})) {
        const v = obj[m.locationName];
        if (v !== undefined && v !== null) out[m.name] = fromJson(`${path}.${m.name}`, m.shape, v);
      }
      for (const name of shape.required ?? []) {
        if (out[name] === undefined) throw badRequest(`Missing required parameter ${path}.${name}.`);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw wrong('a list');
      return value.map((v, i) => fromJson(`${path}[${i}]`, shape.member ?? { type: 'string' }, v));
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrong('a map');
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(`${path}.${k}`, shape.value ?? { type: 'string' }, v)]),
      );
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong('an integer');
      return value;
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw wrong('a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('a boolean');
      return value;
    case 'timestamp': {
      const d = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date(NaN);
      if (Number.isNaN(d.getTime())) throw wrong('a timestamp');
      return d;
    }
    default:
      if (typeof value !== 'string') throw wrong('a string');
      return value;
  }
}

/** Serializes an operation's output: header members to headers, the rest to the JSON body. */
export function encodeOutput(op: OperationSpec, output: Record<string, unknown> | undefined, requestId: string): WireResponse {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  const body: Record<string, unknown> = {};
  let bodyMembers = 0;
  for (const member of outputMembersOf(op)) {
    const value = output?.[member.name];
    if (value === undefined || value === null) continue;
    if (member.header !== undefined) headers[member.header] = String(value);
    else if (member.encode !== undefined) {
      body[member.wire] = member.encode === identity ? value : member.encode(value);
      bodyMembers += 1;
    }
  }
  const hasBody = bodyMembers > 0 || op.responseCode !== 204;
  if (hasBody) headers['content-type'] = 'application/json';
  return { status: op.responseCode, headers, body: hasBody && op.responseCode !== 204 ? JSON.stringify(body) : '' };
}

/** Turns a value of one shape into its JSON form. */
type Encoder = (value: unknown) => unknown;

/** An output member, resolved once: a header (lower-cased name) or a body member with its encoder. */
interface OutputMember {
  name: string;
  wire: string;
  header?: string;
  encode?: Encoder;
}

const identity: Encoder = (value) => value;
const encoders = new WeakMap<Shape, Encoder>();
const outputMembers = new WeakMap<OperationSpec, OutputMember[]>();

function outputMembersOf(op: OperationSpec): OutputMember[] {
  let members = outputMembers.get(op);
  if (!members) {
    members = Object.values(op.output.members ?? {}).map((m) => ({
      name: m.name,
      wire: m.locationName,
      header: m.location === 'header' ? m.locationName.toLowerCase() : undefined,
      encode: m.location === 'body' ? encoderOf(m.shape) : undefined,
    }));
    outputMembers.set(op, members);
  }
  return members;
}

/**
 * The encoder of a shape, built once per shape: listings encode thousands of
 * nested values per second, and walking the model per value cost more than
 * the JSON serialization itself. Scalars other than timestamps pass through.
 */
function encoderOf(shape: Shape): Encoder {
  const known = encoders.get(shape);
  if (known) return known;
  let encoder: Encoder;
  switch (shape.type) {
    case 'structure': {
      // Member encoders resolve on first use, so a shape that contains itself still compiles.
      let fields: { name: string; wire: string; encode: Encoder }[] | undefined;
      encoder = (value) => {
        fields ??= Object.values(shape.members ?? {}).map((m) => ({ name: m.name, wire: m.locationName, encode: encoderOf(m.shape) }));
        const out: Record<string, unknown> = {};
        const obj = value as Record<string, unknown>;
        for (const f of fields) {
          const v = obj[f.name];
          if (v !== undefined && v !== null) out[f.wire] = f.encode === identity ? v : f.encode(v);
        }
        return out;
      };
      break;
    }
    case 'list': {
      const item = shape.member ?? { type: 'string' };
      encoder = (value) => {
        const encode = encoderOf(item);
        return encode === identity ? (value as unknown[]).slice() : (value as unknown[]).map((v) => encode(v));
      };
      break;
    }
    case 'map': {
      const item = shape.value ?? { type: 'string' };
      encoder = (value) => {
        const encode = encoderOf(item);
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encode(v)]));
      };
      break;
    }
    case 'timestamp':
      encoder =
        shape.timestampFormat === 'iso8601'
          ? (value) => new Date(value instanceof Date ? value.getTime() : Number(value)).toISOString()
          : (value) => (value instanceof Date ? value.getTime() : Number(value)) / 1000;
      break;
    default:
      encoder = identity;
  }
  encoders.set(shape, encoder);
  return encoder;
}
