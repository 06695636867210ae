/**
 * The local Chime service over HTTP: one port serving the Chime SDK
 * Messaging, Chime SDK Identity and Chime rooms REST APIs (restJson1) and the
 * messaging-session websocket at `/connect`. Starts in-process for tests and
 * `npm start`, or on its own through cli.ts.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { ChimeError, serviceFailure } from './errors';
import { OPERATIONS } from './protocol/model';
import { Router } from './protocol/router';
import { decodeInput, encodeOutput, WireResponse } from './protocol/codec';
import { openDatabase, Db } from './store/database';
import { Backend } from './backend/backend';
import { findOperation } from './backend/operations';
import { checkRequestSignature, SigningKeys } from './sigv4';
import { SessionHub } from './session/hub';
import { startExpirationSweep } from './backend/expiration-sweep';
import { ChannelFlowOptions, flowProcessor } from './backend/flow-processor';

/** How to start a local Chime service. */
export interface LocalChimeOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** SQLite file, or `:memory:`. Default `:memory:`. */
  database?: string;
  /** Region for ARNs and signatures. Default `us-east-1`. */
  region?: string;
  /** Account id for ARNs. Default `123456789012`. */
  accountId?: string;
  /**
   * Access keys whose SigV4 signatures are verified. When set (strict mode),
   * a request or `/connect` URL whose signature does not verify is refused;
   * when unset, any well-formed `AWS4-HMAC-SHA256` Authorization is accepted.
   */
  credentials?: SigningKeys;
  /** Milliseconds between sweeps that delete expired channels and users, and messages past retention. Default 60000. */
  expirationSweepMs?: number;
  /** Clock override for tests. */
  clock?: () => number;
  /**
   * The webhooks standing in for channel-flow processor Lambdas (Lambda ARN
   * to URL, or a URL template) and the time a processor has to call back;
   * the contract is described in backend/flow-processor.ts.
   */
  channelFlows?: ChannelFlowOptions;
  /**
   * The `host:port` GetMessagingSessionEndpoint answers, read at each call.
   * Default: this server's own address. Set it when clients reach the
   * websocket through a proxy or a port mapping.
   */
  sessionHost?: () => string;
}

/** A running local Chime service. */
export interface LocalChime {
  /** Base URL for the AWS SDK clients' `endpoint` option, e.g. `http://127.0.0.1:4100`. */
  endpoint: string;
  port: number;
  backend: Backend;
  db: Db;
  sessions: SessionHub;
  /** Stops accepting, closes sessions and the database. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a local Chime service and resolves once it listens. */
export async function startLocalChime(options: LocalChimeOptions = {}): Promise<LocalChime> {
  const db = openDatabase(options.database ?? ':memory:');
  const host = options.host ?? '127.0.0.1';
  let port = 0;
  const backend = new Backend({
    db,
    region: options.region,
    accountId: options.accountId,
    clock: options.clock,
    channelFlows: options.channelFlows,
    sessionHost: options.sessionHost ?? (() => `${host.includes(':') ? `[${host}]` : host}:${port}`),
  });
  // Checks the channelFlows options before anything listens.
  const flows = flowProcessor(backend);
  flows.resume();
  const router = new Router(OPERATIONS);
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      writeError(res, err instanceof ChimeError ? err : serviceFailure('Internal error.'), randomUUID());
    });
  });
  // Requests Node's parser refuses (bad request line, headers over its limit) still get the AWS error shape.
  server.on('clientError', answerUnparsable);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      // Inside the try: an oversized body is a 413 with this request's id.
      const body = await readBody(req);
      const { pathname, query } = splitTarget(req.url ?? '/');
      await checkRequestSignature(req, body, { region: backend.region, credentials: options.credentials });
      const match = router.match(req.method ?? 'GET', pathname, query);
      if (!match) {
        throw new ChimeError('UnknownOperationException', 404, 'NotFound', `No operation for ${req.method} ${pathname.slice(0, 200)}.`);
      }
      const implementation = findOperation(match.operation.name);
      if (!implementation) {
        throw new ChimeError('NotImplementedException', 501, 'ServiceFailure', `${match.operation.name} is not supported by the local Chime service.`);
      }
      const input = decodeInput(match.operation, { labels: match.labels, query, headers: req.headers, body });
      const output = await implementation(backend, input);
      write(res, encodeOutput(match.operation, (output ?? undefined) as Record<string, unknown> | undefined, requestId));
    } catch (err) {
      writeError(res, err instanceof ChimeError ? err : serviceFailure(`Internal error: ${(err as Error).message}`), requestId);
    }
  }

  const sessions = new SessionHub(backend, { credentials: options.credentials });
  sessions.attach(server);
  const stopSweep = startExpirationSweep(backend, options.expirationSweepMs ?? 60_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    backend,
    db,
    sessions,
    async close() {
      stopSweep();
      flows.stop();
      sessions.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}

/** The request target's raw path and query. Split by hand: `new URL` throws on some targets and reads `//x` as a host. */
function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  return q < 0 ? { pathname: target, query: new URLSearchParams() } : { pathname: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1)) };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      // Past the limit the rest is read and dropped, not cut off, so the client can read the 413.
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        reject(new ChimeError('BadRequestException', 413, 'BadRequest', `Request body exceeds ${MAX_BODY_BYTES} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers a request Node could not parse, as Node would (431 for oversized headers, else 400) but in the AWS error shape. */
function answerUnparsable(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431 ? `The request line and headers exceed ${http.maxHeaderSize} bytes.` : status === 408 ? 'The request was not received in time.' : 'The request is not valid HTTP/1.1.';
  const body = JSON.stringify({ Code: 'BadRequest', Message: message });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-amzn-errortype: BadRequestException\r\nx-amzn-requestid: ${randomUUID()}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function write(res: http.ServerResponse, wire: WireResponse): void {
  res.writeHead(wire.status, { ...wire.headers, 'content-length': Buffer.byteLength(wire.body) });
  res.end(wire.body);
}

function writeError(res: http.ServerResponse, err: ChimeError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ Code: err.code, Message: err.message });
  res.writeHead(err.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': err.errorType,
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}
