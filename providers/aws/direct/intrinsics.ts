/**
 * Deploy-time values (references, attributes, the account) inside property values, the way aws-cdk-lib tokens
 * work: a reference is handed out as a unique marker string, so it can be embedded in other strings (an ARN with the
 * account in it); `resolve` then turns a string that is one marker into the intrinsic itself and a string with
 * markers inside into `Fn::Join` with "" (literal parts merged, empty parts dropped), as aws-cdk-lib's CloudFormation
 * token resolver does (core/lib/private/cloudformation-lang.ts, CloudFormationLang.concat and
 * minimalCloudFormationJoin; core/lib/private/encoding.ts, TokenString.split; v2.276.0).
 */
import { randomBytes } from 'node:crypto';

export type Intrinsic = Readonly<Record<string, unknown>>;

export class Intrinsics {
  private readonly values: Intrinsic[] = [];
  /** A per-writer nonce, so no spec value can pass for a marker. */
  private readonly nonce = randomBytes(6).toString('hex');
  private readonly pattern = new RegExp(`\u0000${this.nonce}:(\\d+)\u0000`, 'g');

  /** A marker string standing for `value` until `resolve`. */
  token(value: Intrinsic): string {
    this.values.push(value);
    return `\u0000${this.nonce}:${this.values.length - 1}\u0000`;
  }

  ref(logicalId: string): string {
    return this.token({ Ref: logicalId });
  }

  getAtt(logicalId: string, attribute: string): string {
    return this.token({ 'Fn::GetAtt': [logicalId, attribute] });
  }

  /** A deep copy of `value` with every marker replaced by its intrinsic. */
  resolve(value: unknown): unknown {
    if (typeof value === 'string') return value.includes('\u0000') ? this.resolveString(value) : value;
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(source)) {
      const v = source[k];
      if (v !== undefined) out[k] = this.resolve(v);
    }
    return out;
  }

  private resolveString(s: string): unknown {
    const parts: unknown[] = [];
    let last = 0;
    for (const m of s.matchAll(this.pattern)) {
      if (m.index! > last) parts.push(s.slice(last, m.index));
      parts.push(this.values[Number(m[1])]);
      last = m.index! + m[0].length;
    }
    if (last < s.length) parts.push(s.slice(last));
    return parts.length === 1 ? parts[0] : { 'Fn::Join': ['', parts] };
  }
}
