import { createTwoFilesPatch } from 'diff';
import { applyFwEdits } from '../assess/fix/fw-edit.js';
import { type Fix, PHASES } from '../assess/fix/types.js';
import type { Remediation } from '../schema/report.js';
import { linePatch } from './line-patch.js';
import { withFirewallOn } from './nic.js';

// Turns fixes into runbook steps. Edits to one file build on each other in runbook order, so every
// patch applies cleanly to the file as the steps before it left it.

export const phaseIndex = (fixes: readonly Fix[]): number =>
  fixes.length === 0 ? PHASES.length : Math.min(...fixes.map((f) => PHASES.indexOf(f.phase)));

export interface RunbookState {
  files: Map<string, string>; // /etc/pve-relative path -> text after the steps so far
  exists: Set<string>;
  originals: ReadonlySet<string>; // files that existed before the runbook: the ones worth a backup
  backupTag: string; // names this runbook's backups, e.g. the report id
}

export function newRunbookState(files: Record<string, string>, backupTag = 'pveaudit'): RunbookState {
  return {
    files: new Map(Object.entries(files)),
    exists: new Set(Object.keys(files)),
    originals: new Set(Object.keys(files)),
    backupTag: backupTag.replace(/[^A-Za-z0-9._-]/g, '_'),
  };
}

function patchFor(file: string, before: string, after: string, existed: boolean): string {
  const fast = linePatch(existed ? `a/${file}` : '/dev/null', `b/${file}`, before, after);
  if (fast !== null) return fast;
  const patch = createTwoFilesPatch(existed ? `a/${file}` : '/dev/null', `b/${file}`, before, after, '', '', {
    context: 3,
  });
  // jsdiff starts with an "Index:"-style separator line that patch(1) does not need.
  return patch.replace(/^=+\n/, '');
}

export function renderFixes(
  fixes: readonly Fix[],
  state: RunbookState,
  patchName: string,
): Pick<Remediation, 'commands' | 'patch' | 'file'> & { noop: boolean } {
  const commands: string[] = [];
  const patches: string[] = [];
  const files: string[] = []; // every file the step edits, in the order it edits them
  let changed = false;
  for (const fix of fixes) {
    if (fix.kind === 'fw-edit') {
      const existed = state.exists.has(fix.file);
      const before = state.files.get(fix.file) ?? '';
      const after = applyFwEdits(before, fix.ops);
      if (!files.includes(fix.file)) files.push(fix.file);
      if (after === before) continue;
      changed = true;
      patches.push(patchFor(fix.file, before, after, existed));
      state.files.set(fix.file, after);
      state.exists.add(fix.file);
      // cp -n: the first step that edits a file keeps its original; later steps must not overwrite it.
      if (state.originals.has(fix.file)) {
        commands.push(
          `cp -an /etc/pve/${fix.file} /root/${fix.file.split('/').pop()}.${state.backupTag}.bak   # the file as it was before this runbook`,
        );
      }
    } else if (fix.kind === 'nic-flag') {
      changed = true;
      commands.push(`${fix.type === 'lxc' ? 'pct' : 'qm'} set ${fix.vmid} -${fix.nic} ${withFirewallOn(fix.raw)}`);
    } else {
      changed = true;
      commands.push(...fix.commands);
    }
  }
  if (patches.length > 0) {
    // The patch travels inside the commands, so the block runs as pasted; a dry run goes first:
    // if the file changed since the audit, nothing is touched.
    commands.push(`cat > ${patchName} <<'PVEAUDIT_PATCH'\n${patches.join('')}PVEAUDIT_PATCH`);
    commands.push(
      `patch -d /etc/pve -p1 --forward --dry-run < ${patchName} && patch -d /etc/pve -p1 --forward < ${patchName}`,
    );
    commands.push(
      'pve-firewall compile > /dev/null   # warnings, if any, are printed here; the daemon applies the files within 10 s',
    );
  }
  const file = files.length > 0 ? files.join(', ') : null;
  return { commands, patch: patches.length > 0 ? patches.join('') : null, file, noop: !changed };
}
