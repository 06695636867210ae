/**
 * A TCP proxy for fault tests: forwards to a target port and can cut every
 * connection through it (the peers see an abnormal close, 1006 for a
 * websocket) or refuse new ones for a while (an outage).
 */
import net from 'node:net';
import { AddressInfo } from 'node:net';

/** A running proxy. */
export interface FaultProxy {
  /** `127.0.0.1:<port>` to connect to instead of the target. */
  host: string;
  port: number;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  /** Destroys every open connection on both sides; returns how many there were. */
  cut(): number;
  /** While true, new connections are destroyed as soon as they arrive. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** Starts a proxy to `targetPort` on 127.0.0.1. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const cut = (): number => {
    const count = pairs.size;
    for (const [client, upstream] of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    return count;
  };
  return {
    host: `127.0.0.1:${port}`,
    port,
    get connections() {
      return pairs.size;
    },
    cut,
    refuse(on: boolean) {
      refusing = on;
    },
    close() {
      cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
