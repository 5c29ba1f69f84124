// npm run fuzz -- --runs 100000 : the HTTP fuzz test with more generated requests.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' }, seed: { type: 'string' } } });
if (!/^\d+$/.test(values.runs) || (values.seed !== undefined && !/^\d+$/.test(values.seed))) {
  console.error('--runs and --seed take whole numbers');
  process.exit(2);
}
// A new seed each run explores new inputs; a failure is replayed with --seed.
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(
  `fuzzing with ${values.runs} requests, seed ${seed} (replay: npm run fuzz -- --runs ${values.runs} --seed ${seed})`,
);
const result = spawnSync('npx', ['vitest', 'run', 'test/http/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: values.runs, FUZZ_SEED: seed, TZ: 'Asia/Kathmandu' },
});
process.exit(result.status ?? 1);
