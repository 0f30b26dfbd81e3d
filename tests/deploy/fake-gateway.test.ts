/** The fake gateway answers as the PAI-EAS gateway does (fake-eas-gateway.ts cites where each answer comes from). */
import { describe, expect, it } from 'vitest';
import { withFake } from './harness';

describe('fake PAI-EAS gateway', () => {
  it('404 unknown, 503 not Running, 503 "no healthy upstream" in the warm-up window, 401 wrong token, then forwards', async () => {
    await withFake({}, async (server, url) => {
      const predict = (name: string, path = '', token?: string, body?: string) =>
        fetch(`${url}/api/predict/${name}${path}`, { method: body ? 'POST' : 'GET', headers: token ? { authorization: token } : {}, ...(body ? { body } : {}) }).then(async (r) => [r.status, await r.text()] as const);
      expect(await predict('nobody')).toEqual([404, '']);
      const starting = server.seedService('starting', { status: 'Creating' });
      expect(await predict('starting', '', starting.token)).toEqual([503, '']);
      const svc = server.seedService('svc_a');
      server.gateway.unavailable.set('svc_a', 1);
      expect(await predict('svc_a', '', svc.token)).toEqual([503, 'no healthy upstream']);
      expect(await predict('svc_a', '', 'Bearer ' + svc.token)).toEqual([401, '{"code":"Unauthorized","message":"Invalid token"}']);
      expect(await predict('svc_a', '', svc.token, '{"ping":1}')).toEqual([200, '{"ping":1}']);
      const [status, text] = await predict('svc_a', '/v1/chat/completions', svc.token, '{"model":"m","messages":[{"role":"user","content":"hi"}]}');
      expect(status).toBe(200);
      expect(JSON.parse(text).choices[0].message.content).toBe('OK');
      expect(server.gatewayCalls.map((c) => [c.service, c.path, c.status, c.authorized])).toEqual([
        ['nobody', '', 404, false],
        ['starting', '', 503, true],
        ['svc_a', '', 503, true],
        ['svc_a', '', 401, false],
        ['svc_a', '', 200, true],
        ['svc_a', '/v1/chat/completions', 200, true],
      ]);
    });
  });
});
