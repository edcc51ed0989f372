import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3RequestError } from '../errors';
import { classifyS3Error } from './errors';
import { isForbidden, missingBehind403 } from './missing-or-denied';

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Sends one S3 command, turning its failure into a classified S3RequestError. */
export async function s3Call<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classifyS3Error(err, what);
  }
}

/**
 * The object's text, or undefined when the key does not exist (a missing bucket is still an error). A 403 is checked
 * with a listing under `prefix` (default: the key's folder), since S3 answers 403 for a missing key to credentials
 * without s3:ListBucket; when that is refused too, the error names the permission (S3ListPermissionError).
 */
export async function readTextIfExists(
  s3: S3Client,
  bucket: string,
  key: string,
  prefix?: string,
): Promise<string | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await res.Body?.transformToString('utf-8')) ?? '';
  } catch (err) {
    if (isNotFound(err) && (err as { name?: string }).name !== 'NoSuchBucket') return undefined;
    if (isForbidden(err) && (await missingBehind403(s3, { bucket, key, ...(prefix ? { prefix } : {}) }, err))) {
      return undefined;
    }
    throw classifyS3Error(err, `GET ${key}`);
  }
}

export async function openObject(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Readable> {
  const res = await s3Call(`GET ${key}`, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {}),
  );
  return res.Body as Readable;
}

export async function putText(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
  contentType: string,
): Promise<void> {
  const sha = createHash('sha256').update(body).digest('base64');
  await s3Call(`PUT ${key}`, () =>
    s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ChecksumSHA256: sha }),
    ),
  );
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3Call(`DELETE ${key}`, () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
}

/** Deletes objects by key, a thousand per request; a key already gone is not an error. */
export async function deleteObjects(s3: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await s3Call(`DELETE ${objects.length} objects`, () =>
      s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } })),
    );
  }
}

/** Bytes gathered before `streamToObject` hashes them and hands them to the upload. */
const COALESCE_BYTES = 64 * 1024;

/** What a streamed upload wrote: its size and SHA-256 (hex). */
export interface StreamedObject {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Streams chunks (text, or bytes of a compressed or binary format) produced by `produce` into one S3 object (multipart above 5 MiB), hashing as it goes.
 * Back-pressure is honoured: `write` resolves when the stream can take more. A failed upload (a rejected part, say)
 * ends the write at once as a classified S3RequestError, never as an unhandled rejection that ends the process, and
 * the multipart upload is aborted so no parts are left behind.
 */
export async function streamToObject(
  s3: S3Client,
  target: { bucket: string; key: string; contentType: string; signal?: AbortSignal },
  produce: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>,
): Promise<StreamedObject> {
  const body = new PassThrough();
  const hash = createHash('sha256');
  let bytes = 0;
  const upload = new Upload({
    client: s3,
    params: { Bucket: target.bucket, Key: target.key, Body: body, ContentType: target.contentType },
    ...(target.signal ? { abortController: abortControllerFor(target.signal) } : {}),
  });
  let failure: S3RequestError | undefined;
  const done = upload.done().then(
    () => undefined,
    (err: unknown) => {
      failure = classifyS3Error(err, `upload ${target.key}`);
      throw failure;
    },
  );
  // Settles only when the upload fails: raced against the producer and against every wait for 'drain'.
  const failed = done.then(() => new Promise<never>(() => undefined));
  failed.catch(() => undefined);
  // The uploader destroys the body when it gives up (an AbortError): its own failure says why.
  const uploadFailure = async (err: unknown): Promise<never> => {
    await done.catch(() => undefined);
    throw failure ?? err;
  };
  body.on('error', () => undefined);
  // Small chunks (a line each) are gathered into pieces of COALESCE_BYTES: one hash update and one stream write per
  // piece instead of per line (a 50,000-agent day writes 50,000 lines).
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    hash.update(buf);
    bytes += buf.length;
    if (!body.write(buf)) await Promise.race([once(body, 'drain'), failed]).catch(uploadFailure);
  };
  const write = async (chunk: string | Uint8Array): Promise<void> => {
    if (failure) throw failure;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf-8') : Buffer.from(chunk);
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes >= COALESCE_BYTES) await flush();
  };
  try {
    const produced = produce(write).then(flush);
    produced.catch(() => undefined);
    await Promise.race([produced, failed]);
    body.end();
    await done;
  } catch (err) {
    body.destroy();
    await upload.abort().catch(() => undefined);
    await done.catch(() => undefined);
    throw err;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller;
}
