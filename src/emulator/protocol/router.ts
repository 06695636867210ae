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

  /**
   * Finds the operation for `method rawPath?query`, or undefined. Labels are
   * URL-decoded per segment so ARNs keep their slashes; a label that is not
   * valid percent-encoding is a BadRequest naming it.
   */
  match(method: string, rawPath: string, query: URLSearchParams): RouteMatch | undefined {
    const segments = rawPath.split('/').filter(Boolean);
    for (const op of this.byMethod.get(method) ?? []) {
      if (op.pathSegments.length !== segments.length) continue;
      if (!Object.entries(op.fixedQuery).every(([k, v]) => query.get(k) === v)) continue;
      if (!op.pathSegments.every((template, i) => labelName(template) !== undefined || template === segments[i])) continue;
      const labels: Record<string, string> = {};
      op.pathSegments.forEach((template, i) => {
        const name = labelName(template);
        if (name !== undefined) labels[name] = decodeLabel(name, segments[i]);
      });
      return { operation: op, labels };
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
