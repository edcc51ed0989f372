import { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config';

/** One client per process. The SDK retries a request a couple of times itself; Temporal retries the activity. */
export function createS3(settings: S3Settings): S3Client {
  // The lockfile pins an SDK release that supports Node 20; its notice about future releases needing Node 22 would
  // otherwise print on every command. Set the variable to 'false' to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    // The region comes from AWS_REGION, else the SDK's default chain (AWS_DEFAULT_REGION is not in it, so it is read
    // here; then the shared config file's profile). An S3-compatible endpoint ignores regions: us-east-1 is a safe
    // name to sign with when nothing else names one.
    ...regionSetting(settings),
    // A bucket in another region answers 301 PermanentRedirect; the SDK then retries against the bucket's region.
    followRegionRedirects: true,
    ...(settings.S3_ENDPOINT ? { endpoint: settings.S3_ENDPOINT } : {}),
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    ...(settings.AWS_ACCESS_KEY_ID && settings.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: settings.AWS_ACCESS_KEY_ID,
            secretAccessKey: settings.AWS_SECRET_ACCESS_KEY,
            ...(settings.AWS_SESSION_TOKEN ? { sessionToken: settings.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
    maxAttempts: 3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function regionSetting(settings: S3Settings): { region?: string } {
  const region = settings.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region) return { region };
  return settings.S3_ENDPOINT ? { region: 'us-east-1' } : {};
}
