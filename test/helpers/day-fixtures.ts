import type { ManifestSummary, WindowStats } from '../../common/export-types';

/** The day the workflow tests run with stubbed activities: a 24-hour UTC day. */
export const FIXTURE_DATE = '2024-03-10';

/** What "check data" answers for FIXTURE_DATE with `sourceRows` rows. */
export const fixtureStats = (sourceRows: number): WindowStats => ({
  date: FIXTURE_DATE,
  timezone: 'UTC',
  startEpoch: 1_710_028_800,
  endEpoch: 1_710_115_200,
  startIso: '2024-03-10T00:00:00Z',
  endIso: '2024-03-11T00:00:00Z',
  hours: 24,
  sourceRows,
  fingerprint: `${sourceRows}:abc`,
});

/** The manifest of FIXTURE_DATE delivered from 5 rows, as "find delivery" summarises it. */
export const FIXTURE_MANIFEST: ManifestSummary = {
  csvUri: 's3://b/agent_metrics/2024-03-10/agent_metrics_2024-03-10.csv',
  manifestUri: 's3://b/agent_metrics/2024-03-10/_manifest.json',
  generatedAt: '2024-03-11T02:00:00.000Z',
  sha256: 'aa',
  bytes: 10,
  agentRows: 2,
  sourceRows: 5,
  sourceFingerprint: '5:abc',
  workflowId: 'agent-metrics-2024-03-10',
  runId: 'r',
};
