import { Client, Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { TemporalSettings } from '../lib/config';
import { temporalConnectionOptions } from '../lib/temporal-connection';

/** A Temporal client for the configured namespace; close its connection when done. */
export async function connectTemporal(
  settings: TemporalSettings,
  connectTimeout: Duration = '10 seconds',
): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(settings), connectTimeout });
  return new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });
}
