// Two real examples per command, shown under its --help and in the man page; a test parses each one
// against the command's definition, and fails for a command that has fewer than two.
export const EXAMPLES: Record<string, string[]> = {
  run: [
    'pveaudit run -i hosts -a audit.yml --limit pve1 --known-hosts ~/.ssh/known_hosts',
    'pveaudit run -i inventory/ -a audit.yml --format json,md --fail-on high --json',
  ],
  init: [
    'pveaudit init -i hosts --limit pve1 --out audit/',
    'pveaudit init -i inventory.json --limit pve2 --accept-new-host-keys --force',
  ],
  render: [
    'pveaudit render reports/pve1/latest --format html,pdf',
    'pveaudit render reports/pve1/20261125T184900Z --intent intent.yml --out /tmp/rerendered',
  ],
  simulate: [
    'pveaudit simulate --pve-dir reports/pve1/latest/evidence/pve --from ct102 --to vm1001 --dport 443',
    'pveaudit simulate --pve-dir ./etc-pve --tests flows.txt --json',
  ],
  diff: [
    'pveaudit diff reports/pve1/20261125T184900Z reports/pve1/latest --out /tmp/diff',
    'pveaudit diff --host pve1 --fail-on-new high --out /tmp/diff',
  ],
  verify: [
    'pveaudit verify reports/pve1/latest',
    'pveaudit verify reports/pve1/latest --allowed-signers allowed_signers --sheet',
  ],
  sign: [
    'pveaudit sign reports/pve1/latest --key ~/.ssh/id_ed25519 --role prepared',
    'pveaudit sign reports/pve1/latest --key ~/.ssh/id_ed25519.pub --name alice@example.org --role approved',
  ],
  index: ['pveaudit index', 'pveaudit index /srv/pveaudit/reports --max-age 36h'],
  demo: ['pveaudit demo', 'pveaudit demo --out /tmp/pveaudit-demo --format html,md'],
  completion: [
    'pveaudit completion bash > /etc/bash_completion.d/pveaudit',
    'pveaudit completion fish > ~/.config/fish/completions/pveaudit.fish',
  ],
};

// "pveaudit run -i hosts" -> ["run", "-i", "hosts"]: the examples use plain words only (no quoting),
// and a redirection ends the command's own words.
export function exampleArgv(line: string): string[] {
  const words = line.split(/\s+/).filter((w) => w !== '');
  const end = words.findIndex((w) => w.startsWith('>') || w === '|');
  return words.slice(1, end < 0 ? undefined : end);
}
