/** Preloaded into benchmarked processes (node --require): writes the peak RSS (KB) at exit. */
import * as fs from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
