import test from 'ava';
import { type Report, ReportSchema } from '../../src/schema/report.js';
import { seedReport } from './seed-facts.js';

const answer = (r: Report, q: string) => r.answers.find((a) => a.question === q);

test('the seed report is a valid report', async (t) => {
  const r = await seedReport();
  t.true(ReportSchema.safeParse(r).success);
  t.is(r.intentSource, 'phoenix');
  const counted: Record<string, number> = {};
  for (const f of r.findings) counted[f.severity] = (counted[f.severity] ?? 0) + 1;
  t.deepEqual(r.summary, { critical: 0, high: 0, medium: 0, low: 0, info: 0, ...counted });
});

test("answers: rules loaded as generated, guests not as intended, packets dropped at VM 1001's inbound policy", async (t) => {
  const r = await seedReport();
  t.is(answer(r, 'rules-loaded')?.answer, 'yes');
  t.regex(answer(r, 'rules-loaded')?.because ?? '', /^As generated: /);
  t.regex(answer(r, 'rules-loaded')?.because ?? '', /vm1001/);
  t.is(answer(r, 'guest-firewalls-as-intended')?.answer, 'no');
  t.is(answer(r, 'packets-dropped')?.answer, 'yes');
  t.like(answer(r, 'packets-dropped')?.reason, {
    code: 'policy',
    file: 'firewall/1001.fw',
    line: 3,
    side: 'destination',
  });
  t.regex(
    answer(r, 'packets-dropped')?.because ?? '',
    /^traefik-to-portainer is dropped: .*VM 1001's inbound policy \(firewall\/1001\.fw line 3: policy_in: DROP\).*; the capture shows 3 SYNs with no reply and curl failed in the connect phase \(curl exit 28\)/,
  );
});

test('root cause: the firewall, decided by firewall/1001.fw policy_in', async (t) => {
  const r = await seedReport();
  t.is(r.rootCause?.layer, 'firewall');
  t.is(r.rootCause?.flow, 'traefik-to-portainer');
  t.deepEqual(r.rootCause?.decidedBy, { kind: 'policy', file: 'firewall/1001.fw', line: 3, text: 'policy_in: DROP' });
  t.like(r.rootCause?.reason, {
    code: 'rule-wrong-file',
    file: 'firewall/cluster.fw',
    vmid: 1001,
    side: 'destination',
  });
});

test('the probed flow carries simulation and both observations, and says they agree', async (t) => {
  const r = await seedReport();
  const flow = r.flows.find((f) => f.id === 'traefik-to-portainer');
  t.is(flow?.source, 'both');
  t.deepEqual(
    [flow?.from, flow?.to],
    [
      { zone: 'ct102', ip: '10.0.0.12' },
      { zone: 'vm1001', ip: '10.0.0.101' },
    ],
  );
  t.is(flow?.simulated?.action, 'DROP');
  t.is(flow?.observed?.capture?.syn, 3);
  t.is(flow?.observed?.capture?.verdict, 'unanswered');
  t.deepEqual(
    flow?.observed?.capture?.packets?.map((p) => p.retransmission),
    [false, true, true],
  );
  t.is(flow?.observed?.probe?.exitCode, 28);
  t.is(flow?.agreement, 'partial');
  t.regex(flow?.verdict ?? '', /simulation and observation agree: the configuration does not do what was intended/);
});

test('the cluster.fw placement finding comes first, with the exact line for 1001.fw, its diff, proof and Phoenix note', async (t) => {
  const r = await seedReport();
  const f = r.findings.find((x) => x.checkId === 'rules_guest_traffic_in_cluster' && x.subject === 'vm1001');
  if (!f) return t.fail('no placement finding for vm1001');
  // Traffic meant to be allowed is blocked: high (src/checks/README.md).
  t.is(f.severity, 'high');
  t.regex(f.detail ?? '', /cluster\.fw line 11 /);
  t.regex(
    f.detail ?? '',
    /Without it, this traffic is dropped by firewall\/1001\.fw line 3 \(policy_in: DROP\): traffic meant to be allowed is blocked\./,
  );
  t.is(f.remediation.file, 'firewall/1001.fw');
  t.is(
    f.remediation.patch,
    [
      '--- a/firewall/1001.fw',
      '+++ b/firewall/1001.fw',
      '@@ -3,4 +3,5 @@',
      ' policy_in: DROP',
      ' ',
      ' [RULES]',
      '+IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443 # traefik -> portainer',
      ' IN SSH(ACCEPT) -source 10.0.0.0/24 # admin ssh',
      '',
    ].join('\n'),
  );
  t.true(
    f.remediation.commands.some((c) =>
      c.startsWith(`patch -d /etc/pve -p1 --forward --dry-run < /root/pveaudit-${f.id}.patch`),
    ),
  );
  // the guests' real addresses: pve-firewall simulate would otherwise send 100.100.1.2 -> 100.200.3.4
  t.is(
    f.remediation.verify?.[0],
    'pve-firewall simulate --from ct102 --to vm1001 --dport 443 --source 10.0.0.12 --dest 10.0.0.101   # expect ACCEPT',
  );
  t.regex(
    f.remediation.phoenix ?? '',
    /No change to the Phoenix JSON can fix this: the generator writes every rule, guest rules included, into cluster\.fw/,
  );
  t.regex(f.remediation.phoenix ?? '', /phoenix_vm_configs\.json: vms\.0\.firewall\.rules\.0/);
});

test('the runbook is ordered safely: allow rules before enabling, each step numbered once, one finding per problem', async (t) => {
  const r = await seedReport();
  t.deepEqual(
    r.findings.map((f) => f.remediation.order),
    r.findings.map((_, i) => i + 1),
  );
  const lastAllow = Math.max(
    ...r.findings.filter((f) => f.checkId === 'rules_guest_traffic_in_cluster').map((f) => f.remediation.order ?? 0),
  );
  const firstEnable = Math.min(
    ...r.findings
      .filter((f) => f.checkId === 'guest_fwfile_missing' || f.checkId === 'guest_nic_firewall_off')
      .map((f) => f.remediation.order ?? 99),
  );
  t.true(lastAllow < firstEnable);
  // The dropped flow is the misplaced rule's consequence: reported once, with the one patch that fixes it.
  t.false(r.findings.some((f) => f.checkId === 'flow_simulated_mismatch'));
  const adding443 = r.findings.filter((f) =>
    (f.remediation.patch ?? '').includes('+IN ACCEPT -p tcp -source 10.0.0.12 -dest 10.0.0.101 -dport 443'),
  );
  t.deepEqual(
    adding443.map((f) => [f.checkId, f.subject]),
    [['rules_guest_traffic_in_cluster', 'vm1001']],
  );
  const nic = r.findings.find((f) => f.checkId === 'guest_nic_firewall_off');
  t.deepEqual(nic?.remediation.commands, [
    'pct set 101 -net0 name=eth0,bridge=vmbr0,firewall=1,gw=10.0.0.1,hwaddr=BC:24:11:3F:10:11,ip=10.0.0.11/24,type=veth',
  ]);
});

test('finding ids are stable across runs and unique', async (t) => {
  const [a, b] = [await seedReport(), await seedReport()];
  t.deepEqual(
    a.findings.map((f) => f.id),
    b.findings.map((f) => f.id),
  );
  t.is(new Set(a.findings.map((f) => f.id)).size, a.findings.length);
  t.true(a.findings.every((f) => /^f-[0-9a-f]{12}$/.test(f.id)));
});

test('the runbook starts with the fix for the root cause: the 443 rule in firewall/1001.fw', async (t) => {
  const r = await seedReport();
  const first = [...r.findings].sort((a, b) => (a.remediation.order ?? 0) - (b.remediation.order ?? 0))[0];
  t.is(first?.remediation.file, 'firewall/1001.fw');
  t.regex(first?.remediation.patch ?? '', /^\+IN ACCEPT .*-source 10\.0\.0\.12 .*-dport 443/m);
  t.is(first?.remediation.order, 1);
});

test('with a Phoenix intent the re-run proof says the cluster.fw copy stays, as low, until the generator changes', async (t) => {
  const r = await seedReport();
  const placement = r.findings.find((f) => f.checkId === 'rules_guest_traffic_in_cluster');
  const last = placement?.remediation.verify?.at(-1) ?? '';
  t.regex(
    last,
    /^pveaudit run -i INVENTORY\.yml -a AUDIT\.yml --limit \S+ {3}# re-run this audit: expect this finding to drop to low/,
  );
});
