// Child process of the pcap benchmark: analyses one capture streamed from disk and prints one JSON
// line with what it found, its own timing and its peak RSS. The file is read into one reused 1 MiB
// buffer: analyseCapture copies only a record cut by a chunk boundary, so reuse is safe and spares
// the garbage collector 200+ MB of short-lived chunks (fs.createReadStream allocates one per read).
import { readChunks as chunks } from '../../src/lib/read-chunks.js';
import { analyseCapture } from '../../src/parse/pcap/index.js';

const file = process.argv[2];
if (!file) throw new Error('usage: pcap-child FILE');
const start = process.hrtime.bigint();
const a = await analyseCapture(chunks(file), { file });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(
  `${JSON.stringify({
    packets: a.packets,
    flows: a.flows.length,
    issues: a.issues.length,
    analyseMs: Math.round(ms),
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
