/**
 * The hex digest of a string: Node's one-shot `crypto.hash` (Node >= 20.12, no Hash object per call) when present,
 * else `createHash` (same digest). The writer hashes every logical id and template, thousands per synthesis.
 */
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

export function hexDigest(algorithm: 'md5' | 'sha256', data: string): string {
  return oneShot ? oneShot(algorithm, data, 'hex') : crypto.createHash(algorithm).update(data).digest('hex');
}
