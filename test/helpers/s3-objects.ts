import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The text of an S3 object (a delivered CSV or manifest). */
export async function readObject(s3: S3Client, bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await res.Body?.transformToString('utf-8')) ?? '';
}

/** The bytes of an S3 object (a delivered file in any format). */
export async function readObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
}
