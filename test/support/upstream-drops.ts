/**
 * Upstream drops while traffic flows: the fault tests send messages one by
 * one while a FaultProxy cuts the gateway's messaging sessions again and
 * again, then check that nothing was lost or repeated.
 */
import { FaultProxy } from './fault-proxy';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `send(0)` ... `send(count - 1)` in turn, 8 ms apart, while every
 * 80-160 ms (at random, so cuts land at different points of the traffic)
 * `proxy` cuts every connection through it. Resolves, once both are done,
 * with how many cuts found a connection to drop.
 */
export async function sendWhileDropping(proxy: FaultProxy, count: number, send: (i: number) => Promise<unknown>): Promise<number> {
  let sending = true;
  let cuts = 0;
  const dropper = (async () => {
    while (sending) {
      await sleep(80 + Math.random() * 80);
      if (sending) cuts += proxy.cut() > 0 ? 1 : 0;
    }
  })();
  try {
    for (let i = 0; i < count; i++) {
      await send(i);
      await sleep(8);
    }
  } finally {
    sending = false;
    await dropper;
  }
  return cuts;
}
