import { once } from 'node:events';
import { createGzip } from 'node:zlib';

/**
 * A text sink that gzips what it is given and hands the compressed bytes to `write` as they come, honouring
 * back-pressure both ways. `end()` flushes the gzip trailer; a failing `write` fails the next call.
 */
export function gzipped(write: (chunk: Uint8Array) => Promise<void>) {
  const gz = createGzip();
  const pumped = (async () => {
    for await (const chunk of gz as AsyncIterable<Buffer>) await write(chunk);
  })();
  pumped.catch(() => undefined);
  const failed = pumped.then(() => new Promise<never>(() => undefined));
  failed.catch(() => undefined);
  return {
    async write(text: string): Promise<void> {
      if (text !== '' && !gz.write(text)) await Promise.race([once(gz, 'drain'), failed]);
    },
    async end(): Promise<void> {
      gz.end();
      await pumped;
    },
  };
}
