import type { ANSWER_REASONS, CHECK_REASONS } from '../schema/reason.js';
import { at, guestName, type Params, type Phrase, ruleAt, str } from './words.js';

// What a failed or undecided check found, and the answers that no single finding states.

export const CHECK_PHRASES: Record<(typeof CHECK_REASONS)[number], Phrase> = {
  'evidence-missing': (p) => `could not tell: ${str(p.step)} was not collected`,
  'not-proxmox': (p) =>
    `the node does not look like a Proxmox node: ${str(p.step)}${
      p.exitCode === 127
        ? ' exited 127 (command not found)'
        : typeof p.exitCode === 'number'
          ? ` exited ${p.exitCode}`
          : ''
    }`,
  'firewall-not-running': (p) => `pve-firewall is not running (status: ${str(p.state)})`,
  'chains-missing': (p) => `the live ruleset has no ${str(p.chain)} chain although the configuration implies one`,
  'guest-elsewhere': (p, ctx) =>
    `${guestName(p, ctx)} is not on this node${p.node ? ` (it runs on ${str(p.node)})` : ''}`,
  'option-ignored': (p) => `the option line ${ruleAt(p)} is ignored by Proxmox${p.error ? ` (${str(p.error)})` : ''}`,
  'nft-parse-error': (p) => `proxmox-firewall (nftables) rejects ${at(p)}${p.error ? `: ${str(p.error)}` : ''}`,
  'rule-missing': (p) => `${str(p.file)} lacks the intended rule ${str(p.text)}`,
  'rule-unexpected': (p) => `${ruleAt(p)} is not in the intent`,
  'policy-mismatch': (p) => `${str(p.file)} has ${str(p.key)} ${str(p.actual)} where ${str(p.expected)} was intended`,
  'flow-not-as-intended': (p) =>
    `${str(p.flow)} is ${p.action === 'ACCEPT' ? 'accepted' : p.action === 'REJECT' ? 'rejected' : 'dropped'} where ${str(p.expected)} was intended`,
  'observation-disagrees': (p) =>
    `the files ${p.action === 'ACCEPT' ? 'accept' : 'block'} ${str(p.flow)}, yet the wire shows ${str(p.observed)}`,
  'check-crashed': (p) => `the check ${str(p.check)} failed to run (a pveaudit bug): ${str(p.error)}`,
};

const service = (p: Params) =>
  p.service === 'chains-present'
    ? 'the live ruleset has every guest chain the configuration implies'
    : 'pve-firewall is running with no pending changes';
const misplaced = (p: Params) => {
  const n = Number(p.misplaced ?? 0);
  return n > 0
    ? `, but ${n} of its rules are meant for guests (${str(p.guests)}) and cannot govern guest traffic from cluster.fw`
    : '';
};

export const ANSWER_PHRASES: Record<(typeof ANSWER_REASONS)[number], Phrase> = {
  'as-intended': (p) =>
    p.what === 'guests'
      ? `all ${str(p.count)} guest(s) meant to be firewalled have a .fw file with enable: 1, firewall=1 on their NICs and the intended policies`
      : `cluster.fw has every intended rule and ${service(p)}${misplaced(p)}`,
  'as-generated': (p) =>
    `as generated: cluster.fw is exactly what the Phoenix generator writes and ${service(p)}${misplaced(p)}`,
  'compiles-clean': (p) => `the firewall files compile without skipped lines and ${service(p)}${misplaced(p)}`,
  'no-intent': () => 'no intent was given, so there is nothing to compare with',
  'flows-pass': (p) => `every probed flow got through (${str(p.flows)})`,
  'flows-accepted': (p) => `all ${str(p.count)} flow(s) meant to pass are accepted in simulation; no probe tried them`,
  'nothing-to-test': () => 'no probe or intended flow expects traffic to pass, so there was nothing to test',
  'nothing-sent': (p) => `no packet was sent: ${str(p.flow)} failed before connecting`,
  'not-collected': (p) => `the evidence was not collected (${str(p.step)})`,
};
