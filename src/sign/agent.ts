import { createConnection } from 'node:net';
import { concat, string, uint32, WireReader } from './wire.js';

// A minimal ssh-agent client (the agent protocol of draft-miller-ssh-agent): list identities and
// ask for one signature. The private key never leaves the agent.

const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;
const SIGN_REQUEST = 13;
const SIGN_RESPONSE = 14;
const RSA_SHA2_512 = 4; // flag: sign with rsa-sha2-512 rather than ssh-rsa (SHA-1)
const TIMEOUT_MS = 30_000; // a confirm-before-use agent waits for the user

export class AgentError extends Error {}

async function request(socket: string, body: Buffer): Promise<WireReader> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new AgentError('ssh-agent did not answer within 30 s'));
    }, TIMEOUT_MS);
    const finish = (err: Error | null, value?: WireReader) => {
      clearTimeout(timer);
      conn.destroy();
      if (err) reject(err);
      else resolve(value as WireReader);
    };
    conn.on('error', (e) => finish(new AgentError(`cannot reach ssh-agent at ${socket}: ${e.message}`)));
    conn.on('data', (d) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length < 4) return;
      const len = all.readUInt32BE(0);
      if (all.length >= 4 + len) finish(null, new WireReader(all.subarray(4, 4 + len), 'agent reply'));
    });
    conn.on('end', () => finish(new AgentError('ssh-agent closed the connection without answering')));
    conn.write(string(body));
  });
}

export async function agentIdentities(socket: string): Promise<Buffer[]> {
  const r = await request(socket, Buffer.from([REQUEST_IDENTITIES]));
  if (r.byte() !== IDENTITIES_ANSWER) throw new AgentError('ssh-agent refused to list its keys');
  const n = r.uint32();
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Buffer.from(r.string()));
    r.string(); // comment
  }
  return out;
}

export async function agentSign(socket: string, keyBlob: Buffer, data: Buffer): Promise<Buffer> {
  const r = await request(
    socket,
    concat(Buffer.from([SIGN_REQUEST]), string(keyBlob), string(data), uint32(RSA_SHA2_512)),
  );
  if (r.byte() !== SIGN_RESPONSE)
    throw new AgentError('ssh-agent refused to sign (key not loaded, or confirmation denied)');
  return Buffer.from(r.string());
}
