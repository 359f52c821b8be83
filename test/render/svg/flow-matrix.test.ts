import test from 'ava';
import { flowMatrixSvg, type MatrixRow } from '../../../src/render/svg/flow-matrix.js';

const row: MatrixRow = {
  name: 'traefik-to-portainer',
  route: 'ct102 → vm1001 tcp/443',
  intended: { label: 'ACCEPT', tone: 'neutral' },
  simulated: { label: 'DROP', tone: 'bad' },
  live: { label: 'DROP', tone: 'bad' },
  observed: { label: 'no reply (3 SYN)', tone: 'bad' },
  verdict: { label: 'fail', tone: 'bad' },
};

test('one row per flow with intended, simulated, live, observed and verdict', (t) => {
  const svg = flowMatrixSvg([row, { ...row, name: 'second', simulated: { label: 'ACCEPT', tone: 'good' } }]);
  for (const h of ['Intended', 'Simulated (config)', 'Live (kernel)', 'Observed (wire)', 'Verdict'])
    t.true(svg.includes(`>${h}<`), h);
  t.true(svg.includes('>traefik-to-portainer<'));
  t.true(svg.includes('>second<'));
  t.true(svg.includes('>no reply (3 SYN)<'));
  t.is(svg.split('fill="#fdecea" stroke="#c53030"').length - 1, 4 + 3, 'red pills: 4 in row one, 3 in row two');
  t.is(svg.split('fill="#e6f4ea" stroke="#2f855a"').length - 1, 1);
});

test('cells that cannot be compared are dashed grey, not coloured', (t) => {
  const svg = flowMatrixSvg([{ ...row, observed: { label: 'not probed', tone: 'none' } }]);
  t.regex(svg, /stroke="#616e7c" stroke-dasharray="3 3"\/><text [^>]*>not probed</);
});

test('an empty matrix says so', (t) => {
  t.true(flowMatrixSvg([]).includes('no flows in this report'));
});

test('long names are shortened with an ellipsis instead of spilling over', (t) => {
  const svg = flowMatrixSvg([{ ...row, name: 'x'.repeat(80) }]);
  t.true(svg.includes(`>${'x'.repeat(27)}…<`));
});
