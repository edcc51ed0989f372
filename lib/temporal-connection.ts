import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TemporalSettings } from './config';

/** What the worker's NativeConnection and a command's Connection need: address, TLS, API key, gRPC metadata. */
export interface TemporalConnectionOptions {
  address: string;
  tls?:
    | boolean
    | {
        clientCertPair?: { crt: Buffer; key: Buffer };
        serverRootCACertificate?: Buffer;
        serverNameOverride?: string;
      };
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** The Temporal connection as Temporal's own tools resolve it: a profile of the TOML config file, then TEMPORAL_* variables. */
export interface ResolvedTemporal {
  readonly connection: TemporalConnectionOptions;
  readonly namespace: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

/**
 * Resolves the connection with `@temporalio/envconfig`, the way the `temporal` CLI and every Temporal SDK do: the
 * profile `TEMPORAL_PROFILE` (default `default`) of the config file (`TEMPORAL_CONFIG_FILE`, default
 * `~/.config/temporalio/temporal.toml`, optional), overridden by the standard variables (`TEMPORAL_ADDRESS`,
 * `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS`, `TEMPORAL_TLS_CLIENT_CERT_PATH`,
 * `TEMPORAL_TLS_CLIENT_KEY_PATH`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_SERVER_NAME`, their `_DATA`
 * forms, `TEMPORAL_GRPC_META_*`). An API key turns TLS on. Throws with the cause when a file cannot be read.
 */
export function resolveTemporal(env: NodeJS.ProcessEnv): ResolvedTemporal {
  const defined = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const { connectionOptions, namespace } = loadClientConnectConfig({
    ...(defined.TEMPORAL_PROFILE ? { profile: defined.TEMPORAL_PROFILE } : {}),
    overrideEnvVars: defined,
  });
  const { address, tls, apiKey, metadata } = connectionOptions;
  return {
    connection: {
      address: address ?? DEFAULT_TEMPORAL_ADDRESS,
      ...(tls !== undefined && tls !== null ? { tls: asBuffers(tls as LoadedTls) } : {}),
      ...(apiKey !== undefined ? { apiKey: apiKey as string } : {}),
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata: metadata as Record<string, string> } : {}),
    },
    namespace: namespace ?? 'default',
  };
}

type LoadedTls =
  | boolean
  | {
      clientCertPair?: { crt: Uint8Array; key: Uint8Array };
      serverRootCACertificate?: Uint8Array;
      serverNameOverride?: string;
    };

/** envconfig loads files as Uint8Array; both connection kinds take Buffers. Undefined fields are left out. */
function asBuffers(tls: LoadedTls): TemporalConnectionOptions['tls'] {
  if (typeof tls === 'boolean') return tls;
  const pair = tls.clientCertPair;
  return {
    ...(pair ? { clientCertPair: { crt: Buffer.from(pair.crt), key: Buffer.from(pair.key) } } : {}),
    ...(tls.serverRootCACertificate ? { serverRootCACertificate: Buffer.from(tls.serverRootCACertificate) } : {}),
    ...(tls.serverNameOverride ? { serverNameOverride: tls.serverNameOverride } : {}),
  };
}

/** Connection options for a local server, a self-hosted cluster (mTLS) or Temporal Cloud (API key or mTLS). */
export function temporalConnectionOptions(s: TemporalSettings): TemporalConnectionOptions {
  return s.connection;
}

/** The Web UI page of a workflow run (local dev server, self-hosted UI or Temporal Cloud). */
export function workflowUiUrl(s: TemporalSettings, workflowId: string, runId?: string): string {
  const base =
    s.TEMPORAL_UI_URL ??
    (s.TEMPORAL_ADDRESS.includes('.tmprl.cloud') ? 'https://cloud.temporal.io' : 'http://localhost:8233');
  const run = runId ? `/${encodeURIComponent(runId)}` : '';
  return `${base.replace(/\/$/, '')}/namespaces/${encodeURIComponent(s.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}${run}`;
}
