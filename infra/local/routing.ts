/**
 * Route matching as API Gateway (REST) does it: resources in API Gateway path syntax
 * (`/verify/{token}`, `/files/{key+}`); the most specific resource wins (literal segments beat
 * parameters, which beat greedy ones), and only then is the method considered.
 */
import type { Route } from '#lambdas/manifest';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface Resource {
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly methods: Map<string, Route>;
}

export interface Match {
  resource: Resource;
  pathParameters: Record<string, string> | null;
}

function parseTemplate(path: string): Segment[] {
  if (!path.startsWith('/')) throw new Error(`Route path "${path}" must start with "/".`);
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  return parts.map((part, i): Segment => {
    const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (param) {
      if (param[2] && i !== parts.length - 1) throw new Error(`Route path "${path}": a greedy parameter must be the last segment.`);
      return param[2] ? { kind: 'greedy', name: param[1]! } : { kind: 'param', name: param[1]! };
    }
    if (part === '' || /[{}]/.test(part)) throw new Error(`Route path "${path}" has an invalid segment "${part}".`);
    return { kind: 'literal', value: part };
  });
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** API Gateway picks the most specific resource: literal segments beat parameters, which beat greedy ones. */
function bySpecificity(a: Resource, b: Resource): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (!x || !y) return x ? -1 : 1;
    const d = RANK[x.kind] - RANK[y.kind];
    if (d !== 0) return d;
  }
  return 0;
}

/** Groups routes by resource, most specific first; `reserved` paths belong to the local stack itself. */
export function compileRoutes(routes: readonly Route[], reserved: ReadonlySet<string> = new Set()): Resource[] {
  const resources = new Map<string, Resource>();
  for (const route of routes) {
    if (reserved.has(route.path)) throw new Error(`Route ${route.method} ${route.path} collides with a built-in of the local stack.`);
    let resource = resources.get(route.path);
    if (!resource) {
      resource = { path: route.path, segments: parseTemplate(route.path), methods: new Map() };
      resources.set(route.path, resource);
    }
    if (resource.methods.has(route.method)) throw new Error(`Route ${route.method} ${route.path} is defined twice.`);
    resource.methods.set(route.method, route);
  }
  return [...resources.values()].sort(bySpecificity);
}

/** The resource a decoded path belongs to, with its decoded path parameters. */
export function matchResource(resources: readonly Resource[], decoded: readonly string[]): Match | undefined {
  for (const resource of resources) {
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; ok && i < resource.segments.length; i++) {
      const seg = resource.segments[i]!;
      const value = decoded[i];
      if (value === undefined || value === '') ok = false;
      else if (seg.kind === 'literal') ok = seg.value === value;
      else if (seg.kind === 'param') params[seg.name] = value;
      else {
        params[seg.name] = decoded.slice(i).join('/');
        return { resource, pathParameters: params };
      }
    }
    if (ok && decoded.length === resource.segments.length) {
      return { resource, pathParameters: Object.keys(params).length ? params : null };
    }
  }
  return undefined;
}

export interface RequestTarget {
  /** The path exactly as the client sent it, still percent-encoded: never normalised. */
  readonly path: string;
  readonly search: URLSearchParams;
}

/**
 * The path and query of a request line's target (origin form `/a/b?q`, or absolute form
 * `http://host/a/b?q`), or undefined when it is neither or holds a byte no URL may hold.
 *
 * Deliberately not `new URL()`: the WHATWG parser removes dot segments, encoded ones too
 * (`/verify/%2e%2e/requests` becomes `/requests`), and reads `\` as `/`, so a path could
 * reach a route other than the one it names. In API Gateway an encoded dot or slash never
 * moves a request to another resource; here nothing does: `.`, `..`, `%2e%2e`, `%2F` and `\`
 * are ordinary characters of their segment, and a segment is decoded only once it is split.
 */
export function requestTarget(target: string): RequestTarget | undefined {
  if (/[^\x21-\x7e]/.test(target)) return undefined; // controls, spaces, raw non-ASCII
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  let rest = absolute ? target.slice(absolute[0].length) || '/' : target;
  if (!rest.startsWith('/')) return undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const query = rest.indexOf('?');
  return query < 0 ? { path: rest, search: new URLSearchParams() } : { path: rest.slice(0, query), search: new URLSearchParams(rest.slice(query + 1)) };
}

/** Decoded path segments (split before decoding, so %2F stays inside its segment), or undefined when the percent-encoding is malformed. */
export function splitPath(pathname: string): string[] | undefined {
  const raw = pathname === '/' ? [] : pathname.slice(1).split('/');
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
