/**
 * The worker container's health check (Dockerfile HEALTHCHECK, docker-compose.yml): healthy when the worker's
 * metrics endpoint answers. It reads METRICS_ADDRESS only, so it starts in milliseconds and needs no other setting.
 * With METRICS_ADDRESS=off there is nothing to probe: it says so and reports healthy.
 */
async function main(): Promise<number> {
  const address = process.env.METRICS_ADDRESS ?? '127.0.0.1:9464';
  if (address === 'off') {
    process.stdout.write('METRICS_ADDRESS=off: no endpoint to probe\n');
    return 0;
  }
  const url = `http://${address.replace(/^0\.0\.0\.0:|^\[::\]:/, '127.0.0.1:')}/metrics`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    if (response.ok) return 0;
    process.stderr.write(`${url} answered ${response.status}\n`);
  } catch (err) {
    process.stderr.write(`${url}: ${(err as Error).message}\n`);
  }
  return 1;
}

void main().then((code) => process.exit(code));
