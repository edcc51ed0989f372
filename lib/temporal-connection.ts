import { readFileSync } from 'node:fs';
import type { TemporalSettings } from './config';

export interface TemporalConnectionOptions {
  address: string;
  tls?:
    | boolean
    | { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string };
  apiKey?: string;
}

/** Connection options for a local server, a self-hosted cluster (mTLS) or Temporal Cloud (API key or mTLS). */
export function temporalConnectionOptions(s: TemporalSettings): TemporalConnectionOptions {
  const mtls = s.TEMPORAL_TLS_CERT_PATH !== undefined && s.TEMPORAL_TLS_KEY_PATH !== undefined;
  const customTls = mtls || s.TEMPORAL_TLS_CA_PATH !== undefined || s.TEMPORAL_TLS_SERVER_NAME !== undefined;
  const tls = customTls
    ? {
        ...(mtls
          ? {
              clientCertPair: {
                crt: readFileSync(s.TEMPORAL_TLS_CERT_PATH!),
                key: readFileSync(s.TEMPORAL_TLS_KEY_PATH!),
              },
            }
          : {}),
        ...(s.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readFileSync(s.TEMPORAL_TLS_CA_PATH) } : {}),
        ...(s.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: s.TEMPORAL_TLS_SERVER_NAME } : {}),
      }
    : s.TEMPORAL_TLS || s.TEMPORAL_API_KEY !== undefined;
  return {
    address: s.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(s.TEMPORAL_API_KEY ? { apiKey: s.TEMPORAL_API_KEY } : {}),
  };
}

/** The Web UI page of a workflow run (local dev server, self-hosted UI or Temporal Cloud). */
export function workflowUiUrl(s: TemporalSettings, workflowId: string, runId?: string): string {
  const base =
    s.TEMPORAL_UI_URL ??
    (s.TEMPORAL_ADDRESS.includes('.tmprl.cloud') ? 'https://cloud.temporal.io' : 'http://localhost:8233');
  const run = runId ? `/${encodeURIComponent(runId)}` : '';
  return `${base.replace(/\/$/, '')}/namespaces/${encodeURIComponent(s.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}${run}`;
}
