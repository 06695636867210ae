/**
 * Maps an HTTP request line onto the operation it names, from the model's
 * route templates. Routes that pin query parameters (`?operation=redact`,
 * `?scope=...`) are more specific and win over the plain path.
 */
import { badRequest } from '../errors';
import { OperationSpec } from './model';

/** The operation a request names and the URI labels it carried (decoded). */
export interface RouteMatch {
  operation: OperationSpec;
  labels: Record<string, string>;
}

/** One route, with its template taken apart once. */
interface Route {
  operation: OperationSpec;
  /** Literal segments by position: every one must match. */
  literals: [number, string][];
  /** Label names by position. */
  labels: [number, string][];
  fixedQuery: [string, string][];
}

/** A route table over a fixed list of operations. */
export class Router {
  /** Routes by `method segmentCount`, in match order. */
  private readonly routes = new Map<string, Route[]>();

  constructor(operations: readonly OperationSpec[]) {
    // Most pinned query parameters first; the first registered wins a tie (the sort is stable).
    const ordered = [...operations].sort((a, b) => Object.keys(b.fixedQuery).length - Object.keys(a.fixedQuery).length);
    for (const op of ordered) {
      const route: Route = { operation: op, literals: [], labels: [], fixedQuery: Object.entries(op.fixedQuery) };
      op.pathSegments.forEach((template, i) => {
        const name = labelName(template);
        if (name === undefined) route.literals.push([i, template]);
        else route.labels.push([i, name]);
      });
      const key = `${op.method} ${op.pathSegments.length}`;
      const list = this.routes.get(key) ?? [];
      list.push(route);
      this.routes.set(key, list);
    }
  }

  /**
   * Finds the operation for `method rawPath?query`, or undefined. Labels are
   * URL-decoded per segment so ARNs keep their slashes; a label that is not
   * valid percent-encoding is a BadRequest naming it.
   */
  match(method: string, rawPath: string, query: URLSearchParams): RouteMatch | undefined {
    const segments = rawPath.split('/').filter(Boolean);
    for (const route of this.routes.get(`${method} ${segments.length}`) ?? []) {
      if (!route.fixedQuery.every(([k, v]) => query.get(k) === v)) continue;
      if (!route.literals.every(([i, literal]) => segments[i] === literal)) continue;
      const labels: Record<string, string> = {};
      for (const [i, name] of route.labels) labels[name] = decodeLabel(name, segments[i]);
      return { operation: route.operation, labels };
    }
    return undefined;
  }
}

/** The label a template segment names (`{channelArn}`, greedy `{key+}`), or undefined for a literal segment. */
function labelName(template: string): string | undefined {
  if (!template.startsWith('{') || !template.endsWith('}')) return undefined;
  return template.slice(1, template.endsWith('+}') ? -2 : -1);
}

function decodeLabel(name: string, segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // The route matched, so the label itself is broken: say which, rather than UnknownOperation.
    throw badRequest(`Invalid URI label ${name}: "${segment.slice(0, 100)}" is not valid percent-encoding.`);
  }
}
