/**
 * Where and as whom the ClickHouse client connects (docs/contract.md §7): `CLICKHOUSE_URL`, or the customer's
 * `CLICKHOUSE_HOST` (a host name, or a URL) with `CLICKHOUSE_PORT`. A URL keeps its scheme, port and path
 * (`https://` defaults to 8443, `http://` to 8123); user and password in it are the credentials. Nothing here
 * returns or prints the URL with its user info.
 */

export interface EndpointSettings {
  readonly CLICKHOUSE_URL?: string | undefined;
  readonly CLICKHOUSE_HOST?: string | undefined;
  readonly CLICKHOUSE_PORT?: number | undefined;
  readonly CLICKHOUSE_USER?: string | undefined;
  readonly CLICKHOUSE_PASSWORD?: string | undefined;
}

export interface ClickHouseEndpoint {
  /** scheme://host:port, never with user info. */
  readonly origin: string;
  /** The HTTP path in front of ClickHouse (a proxy's), '' when none. */
  readonly pathname: string;
  readonly secure: boolean;
  readonly username: string;
  readonly password: string;
}

/** Thrown when the ClickHouse connection settings contradict each other or are malformed; names the variable. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 8123, 'https:': 8443 };
const HOST_NAME = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

function parseUrl(variable: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EndpointError(variable, 'expected a URL such as https://clickhouse.example.com:8443');
  }
  if (!(url.protocol in DEFAULT_PORTS)) throw new EndpointError(variable, 'expected an http:// or https:// URL');
  if (url.search !== '' || url.hash !== '') throw new EndpointError(variable, 'expected a URL without ?query or #part');
  return url;
}

function credentials(variable: string, url: URL | undefined, s: EndpointSettings) {
  const fromUrl = url && (url.username !== '' || url.password !== '');
  if (fromUrl && (s.CLICKHOUSE_USER !== undefined || (s.CLICKHOUSE_PASSWORD ?? '') !== '')) {
    throw new EndpointError(
      variable,
      'holds a user and password, and CLICKHOUSE_USER/CLICKHOUSE_PASSWORD are set too: give the credentials once',
    );
  }
  if (fromUrl)
    return { username: decodeURIComponent(url.username) || 'default', password: decodeURIComponent(url.password) };
  return { username: s.CLICKHOUSE_USER ?? 'default', password: s.CLICKHOUSE_PASSWORD ?? '' };
}

/** The endpoint the settings describe; throws EndpointError naming the variable at fault (its value never shown). */
export function clickhouseEndpoint(s: EndpointSettings): ClickHouseEndpoint {
  if (s.CLICKHOUSE_URL !== undefined && s.CLICKHOUSE_HOST !== undefined) {
    throw new EndpointError('CLICKHOUSE_URL', 'set CLICKHOUSE_URL or CLICKHOUSE_HOST (with CLICKHOUSE_PORT), not both');
  }
  if (s.CLICKHOUSE_URL !== undefined && s.CLICKHOUSE_PORT !== undefined) {
    throw new EndpointError('CLICKHOUSE_PORT', 'not used with CLICKHOUSE_URL: put the port in the URL');
  }
  const variable = s.CLICKHOUSE_URL !== undefined ? 'CLICKHOUSE_URL' : 'CLICKHOUSE_HOST';
  const text = s.CLICKHOUSE_URL ?? s.CLICKHOUSE_HOST;
  if (text === undefined) {
    throw new EndpointError('CLICKHOUSE_HOST', 'required: the ClickHouse host name (or set CLICKHOUSE_URL)');
  }
  if (variable === 'CLICKHOUSE_URL' || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    const url = parseUrl(variable, text);
    const port = url.port !== '' ? Number(url.port) : (s.CLICKHOUSE_PORT ?? DEFAULT_PORTS[url.protocol]!);
    if (url.port !== '' && s.CLICKHOUSE_PORT !== undefined && Number(url.port) !== s.CLICKHOUSE_PORT) {
      throw new EndpointError('CLICKHOUSE_PORT', `contradicts the port in CLICKHOUSE_HOST (${url.port})`);
    }
    return {
      origin: `${url.protocol}//${url.hostname}:${port}`,
      pathname: url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, ''),
      secure: url.protocol === 'https:',
      ...credentials(variable, url, s),
    };
  }
  if (!HOST_NAME.test(text)) {
    throw new EndpointError(variable, 'expected a host name (port in CLICKHOUSE_PORT), or an http(s):// URL');
  }
  return {
    origin: `http://${text}:${s.CLICKHOUSE_PORT ?? 8123}`,
    pathname: '',
    secure: false,
    ...credentials(variable, undefined, s),
  };
}
