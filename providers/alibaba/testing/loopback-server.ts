/** A small HTTP server on 127.0.0.1 (an ephemeral port) for fakes: start, stop, and each request with its body. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class LoopbackServer {
  private server?: http.Server;

  /** Handles one request whose body has been read. */
  protected abstract respond(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    this.respond(req, Buffer.concat(chunks), res);
  }
}
