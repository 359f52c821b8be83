import type { CheckContext } from '../../assess/context.js';
import type { CheckResult } from '../../assess/define.js';
import { defineCheck } from '../../assess/define.js';
import { evaluateFlow, where } from '../../assess/lib/flow-eval.js';
import { collectFlows, type FlowEval } from '../../assess/lib/flows.js';
import { guestLabel, ipToZone } from '../../assess/lib/guests.js';
import { curlAgain, inGuest, urlHost } from '../../assess/lib/probe-commands.js';
import { probeReason } from '../../assess/lib/probe-reason.js';
import { sentence } from '../../phrase/index.js';

// The firewall lets the probe through, yet it fails: the fix is in the service, its certificate
// or DNS, and the report must say so instead of pointing at the firewall.

const curlProof = (probe: Parameters<typeof curlAgain>[0]) =>
  `${curlAgain(probe)}   # expect an HTTP status, not a curl error`;

interface Diagnosis {
  layer: string;
  detail: string;
  action: string;
  proof: string[]; // run after the fix: each names what it should print
}

function serverLabel(ctx: CheckContext, ip: string | null): string {
  const zone = ip ? ipToZone(ctx, ip) : null;
  const m = zone ? /^(?:ct|vm)(\d+)$/.exec(zone) : null;
  return m ? `${guestLabel(ctx, Number(m[1]))} (${ip})` : (ip ?? 'the server');
}

function diagnose(ctx: CheckContext, e: FlowEval): Diagnosis | null {
  const p = e.input.probe;
  const obs = e.flow.observed?.probe;
  if (!p || !obs) return null;
  const ip = e.flow.to.ip;
  const server = serverLabel(ctx, ip);
  const port = e.input.dport ?? 443;
  const host = urlHost(p.probe.url);
  const curl = `curl exit ${obs.exitCode ?? '?'}${obs.error ? ` (${obs.error.replace(/^curl: \(\d+\) /, '')})` : ''}`;
  if (obs.phase === 'tls') {
    const ca = p.probe.cacert;
    const issuer = obs.tls?.issuer ? ` (issuer ${obs.tls.issuer})` : '';
    return {
      layer: 'tls',
      detail: `${e.input.name}: TCP connects to ${server} port ${port}, but the TLS handshake fails, ${curl}: ${p.probe.from} does not trust the certificate the server presents${issuer}${ca ? `, checked against ${ca}` : ''}. The firewall is not involved.`,
      action: ca
        ? `Make the certificate and the CA agree: have the server on ${server} present a certificate for ${host} issued by the CA in ${ca}, or put the CA that issued the server's certificate into ${ca} in ${p.probe.from}. No firewall change helps.`
        : `Make ${p.probe.from} trust the server's certificate: install the CA that issued it, or have the server on ${server} present a certificate for ${host} from a CA the client trusts. No firewall change helps.`,
      proof: [
        `${inGuest(p.probe.from, `openssl s_client -connect ${ip ?? host}:${port} -servername ${host}${ca ? ` -CAfile ${ca}` : ''}`)} </dev/null 2>/dev/null | grep -E '^issuer=|Verify return code'   # expect "Verify return code: 0 (ok)"`,
      ],
    };
  }
  if (obs.phase === 'dns')
    return {
      layer: 'dns',
      detail: `${e.input.name}: ${host} does not resolve in ${p.probe.from}, ${curl}; no packet is sent, so the firewall is not involved.`,
      action: `Publish a DNS record for ${host} that ${p.probe.from} can resolve (or fix its resolver). No firewall change helps.`,
      proof: [`${inGuest(p.probe.from, `getent hosts ${host}`)}   # expect the server's address`],
    };
  if (obs.phase === 'http')
    return {
      layer: 'service',
      detail: `${e.input.name}: TCP and TLS to ${server} succeed, but the HTTP exchange fails, ${curl}. The firewall is not involved.`,
      action: `Look at the service on ${server} port ${port} (its logs and configuration). No firewall change helps.`,
      proof: [],
    };
  if (e.outcome === 'refused') {
    const listen = e.flow.to.zone ? inGuest(e.flow.to.zone, `ss -ltn 'sport = :${port}'`) : null;
    return {
      layer: 'service',
      detail: `${e.input.name}: the firewall accepts it (${e.sim ? where(e.sim) : 'simulation'}), and ${server} answers the SYN with a TCP reset, ${curl}: nothing listens on port ${port}.`,
      action: `Start the service on ${server}, or make it listen on port ${port} on ${ip ?? 'its address'}. No firewall change helps.`,
      proof: listen ? [`${listen}   # expect a LISTEN line for port ${port}`] : [],
    };
  }
  return null;
}

export default defineCheck({
  id: 'flow_probe_fails_past_firewall',
  title: 'Probes the firewall lets through reach a working service',
  problem: 'A probe the firewall lets through fails past the firewall',
  severity: 'high',
  needs: ['pve', 'probes'],
  remediation: '{action}',
  evaluate(ctx) {
    const results: CheckResult[] = [];
    for (const input of collectFlows(ctx).filter((f) => f.probe !== null && f.expect === 'ACCEPT')) {
      const subject = `flow/${input.id}`;
      const e = evaluateFlow(ctx, input);
      const probe = e.flow.observed?.probe;
      if (!probe) {
        // The probe's own guest is stopped: that is a finding (the client, e.g. the proxy, is down),
        // not evidence this audit failed to collect.
        const stopped = probeReason(ctx, e);
        if (stopped?.code === 'guest-not-running' && input.probe) {
          const vmid = Number(stopped.vmid);
          const tool = input.probe.probe.from.startsWith('vm') ? 'qm' : 'pct';
          results.push({
            outcome: 'fail',
            subject,
            rule: 'service',
            detail: `${input.name}: ${sentence(stopped)}`,
            vars: { action: `${tool} start ${vmid}` },
            verify: [`${tool} status ${vmid}   # expect "status: running"`, curlProof(input.probe.probe)],
            reason: stopped,
          });
          continue;
        }
        const step = `probe-${input.probe?.probe.name}`;
        const failed = ctx.facts.missing.find((m) => m.step === step);
        results.push({
          outcome: 'error',
          subject,
          detail: `${input.name} has no curl result: ${failed ? `${step} (${failed.reason})` : `${step} (not collected)`}.`,
          missingStep: failed ? `${step} (${failed.reason})` : `${step} (not collected)`,
        });
        continue;
      }
      if (probe.phase === 'done' && (probe.exitCode ?? 0) === 0) {
        results.push({ outcome: 'pass', subject, detail: `${input.name}: curl ${probe.verdict}.` });
        continue;
      }
      const blocked = e.sim !== null && e.sim.action !== 'ACCEPT';
      const d = blocked ? null : diagnose(ctx, e);
      if (!d) {
        results.push({
          outcome: 'not_applicable',
          subject,
          detail: blocked
            ? `${input.name} is ${e.sim?.action === 'REJECT' ? 'rejected' : 'dropped'} by the firewall; the firewall findings cover it.`
            : `${input.name} fails in the connect phase without a reply: flow_observation_disagrees covers it.`,
        });
        continue;
      }
      results.push({
        outcome: 'fail',
        subject,
        rule: d.layer,
        detail: d.detail,
        evidence: [probe.file, e.flow.observed?.capture?.file].filter((x): x is string => Boolean(x)),
        vars: { action: d.action },
        // The finding names the failed step as the root cause does (dns-failed, tls-untrusted,
        // service-refused...), not the generic code of the check.
        reason: probeReason(ctx, e) ?? undefined,
        verify: [...d.proof, ...(input.probe ? [curlProof(input.probe.probe)] : [])],
      });
    }
    return results.length > 0
      ? results
      : [{ outcome: 'not_applicable', subject: 'probes', detail: 'No probe expects its target to be reachable.' }];
  },
});
