import test from 'ava';
import { type ChainLink, switchChainSvg } from '../../../src/render/svg/switch-chain.js';

const links = (guest: boolean, nic: boolean): ChainLink[] => [
  { label: 'Datacenter', detail: 'cluster.fw enable: 1', on: true },
  { label: 'Guest', detail: `101.fw enable: ${guest ? 1 : 0}`, on: guest },
  { label: 'NIC net0', detail: `net0: firewall=${nic ? 1 : 0}`, on: nic },
];

const count = (s: string, needle: string) => s.split(needle).length - 1;

test('an intact chain has no broken mark and says the rules apply', (t) => {
  const svg = switchChainSvg({ title: 'VM 1001', links: links(true, true), effective: true, broken: null });
  t.is(count(svg, '>ON<'), 3);
  t.false(svg.includes('chain broken here'));
  t.false(svg.includes('✕'));
  t.true(svg.includes('yes: filtered'));
});

test('the broken link is marked in red, once, at the switch that is off', (t) => {
  const svg = switchChainSvg({ title: 'CT 101', links: links(true, false), effective: false, broken: 2 });
  t.is(count(svg, 'chain broken here'), 1);
  t.is(count(svg, '>OFF<'), 1);
  t.true(svg.includes('no: unfiltered'));
  // The NIC box (third, x = 1 + 2 * 190) carries the thick red border.
  t.regex(
    svg,
    /<rect x="381" y="10" width="150" height="58" rx="6" fill="#fdecea" stroke="#c53030" stroke-width="2.2"\/>/,
  );
  // The red "chain broken here" label sits under that same box.
  t.regex(svg, /<text x="456" [^>]*fill="#c53030"[^>]*>chain broken here</);
});

test('links after the break are faded: they no longer matter', (t) => {
  const svg = switchChainSvg({ title: 'CT 102', links: links(false, true), effective: false, broken: 1 });
  t.is(count(svg, 'opacity="0.55"'), 1);
  t.is(count(svg, '✕'), 2, 'both connectors after the broken switch are crossed');
});

test('titles are escaped', (t) => {
  const svg = switchChainSvg({ title: '<x>', links: links(true, true), effective: true, broken: null });
  t.true(svg.includes('Firewall switches for &lt;x&gt;'));
});
