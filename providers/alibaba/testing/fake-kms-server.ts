/**
 * A fake Alibaba Cloud KMS endpoint for tests, on 127.0.0.1 only: GetSecretValue (RPC API 2016-01-20) with the
 * ACS3-HMAC-SHA256 signature checked like the fake PAI-EAS server checks it. Answers the documented fields
 * (SecretName, SecretData, SecretDataType, VersionId, RequestId) and a not-found error for unknown secrets.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { LoopbackServer } from './loopback-server';
import { expectedSignature } from './fake-eas-server';

export class FakeKmsServer extends LoopbackServer {
  readonly secrets = new Map<string, string>();
  readonly calls: Array<{ action: string; secretName: string; status: number }> = [];

  constructor(private readonly keys: Readonly<Record<string, string>>) {
    super();
  }

  private send(res: http.ServerResponse, status: number, body: Record<string, unknown>): number {
    const text = JSON.stringify({ RequestId: randomUUID(), ...body });
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return status;
  }

  protected respond(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const body = raw;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const action = String(req.headers['x-acs-action'] ?? '');
    const secretName = url.searchParams.get('SecretName') ?? '';
    const record = (status: number) => this.calls.push({ action, secretName, status });
    const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(String(req.headers.authorization ?? ''));
    const secret = m ? this.keys[m[1]!] : undefined;
    const payloadHash = createHash('sha256').update(body).digest('hex');
    if (!m || !secret || req.headers['x-acs-content-sha256'] !== payloadHash || expectedSignature(req.method ?? 'GET', rawPath, url.searchParams, req.headers, m[2]!.split(';'), payloadHash, secret) !== m[3]) {
      return void record(this.send(res, 400, { Code: 'IncompleteSignature', Message: 'The request signature does not conform to Aliyun standards.' }));
    }
    if (req.headers['x-acs-version'] !== '2016-01-20' || action !== 'GetSecretValue') return void record(this.send(res, 400, { Code: 'InvalidAction.NotFound', Message: `Specified api ${action} is not found.` }));
    const value = this.secrets.get(secretName);
    if (value === undefined) return void record(this.send(res, 404, { Code: 'Forbidden.ResourceNotFound', Message: 'The resource is not found.' }));
    record(this.send(res, 200, { SecretName: secretName.replace(/^.*secret\//, ''), SecretData: value, SecretDataType: 'text', VersionId: 'v1', VersionStages: { VersionStage: ['ACSCurrent'] } }));
  }
}
