// npm run fuzz -- --runs 100000 : the HTTP fuzz test with more generated requests.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' } } });
if (!/^\d+$/.test(values.runs)) {
  console.error('--runs takes a whole number');
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', 'test/http/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: values.runs, TZ: 'Asia/Kathmandu' },
});
process.exit(result.status ?? 1);
