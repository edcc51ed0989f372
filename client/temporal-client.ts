import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from '../lib/config';
import { temporalConnectionOptions } from '../lib/temporal-connection';

/** A Temporal client for the configured namespace; close its connection when done. */
export async function connectTemporal(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(settings), connectTimeout: '10 seconds' });
  return new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
}
