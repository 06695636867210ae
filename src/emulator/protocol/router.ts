/**
 * Maps an HTTP request line onto the operation it names, from the model's
 * route templates. Routes that pin query parameters (`?operation=redact`,
 * `?scope=...`) are more specific and win over the plain path.
 */
import { OperationSpec } from './model';

/** The operation a request names and the URI labels it carried (decoded). */
export interface RouteMatch {
  operation: OperationSpec;
  labels: Record<string, string>;
}

/** A route table over a fixed list of operations. */
export class Router {
  private readonly byMethod = new Map<string, OperationSpec[]>();

  constructor(operations: readonly OperationSpec[]) {
    for (const op of operations) {
      const list = this.byMethod.get(op.method) ?? [];
      list.push(op);
      this.byMethod.set(op.method, list);
    }
    // Most pinned query parameters first; the first registered wins a tie.
    for (const list of this.byMethod.values()) {
      list.sort((a, b) => Object.keys(b.fixedQuery).length - Object.keys(a.fixedQuery).length);
    }
  }

  /** Finds the operation for `method rawPath?query`, or undefined. Labels are URL-decoded per segment so ARNs keep their slashes. */
  match(method: string, rawPath: string, query: URLSearchParams): RouteMatch | undefined {
    const segments = rawPath.split('/').filter(Boolean);
    for (const op of this.byMethod.get(method) ?? []) {
      if (op.pathSegments.length !== segments.length) continue;
      if (!Object.entries(op.fixedQuery).every(([k, v]) => query.get(k) === v)) continue;
      const labels: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const template = op.pathSegments[i];
        if (template.startsWith('{') && template.endsWith('}')) {
          const name = template.slice(1, template.endsWith('+}') ? -2 : -1);
          try {
            labels[name] = decodeURIComponent(segments[i]);
          } catch {
            ok = false;
          }
        } else if (template !== segments[i]) {
          ok = false;
        }
      }
      if (ok) return { operation: op, labels };
    }
    return undefined;
  }
}
