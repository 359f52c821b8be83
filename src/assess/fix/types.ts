// A fix is data: what to change, never how to phrase it. analyse/ turns fixes into the runbook
// (diffs against the live text, commands, ordering), so checks stay small and pure.

// Order in which fixes are safe to apply top to bottom: allow rules first, then options and
// policies, then switches that start filtering, then removing misplaced rules, then applying.
export const PHASES = ['allow', 'options', 'enable', 'cleanup', 'apply'] as const;
export type Phase = (typeof PHASES)[number];

export type FwEditOp =
  | { op: 'add-rule'; text: string; after?: string } // after: an existing rule line (as written) to insert below
  | { op: 'set-option'; key: string; value: string }
  | { op: 'replace-line'; from: string; to: string }
  | { op: 'remove-line'; text: string };

export type Fix =
  | { kind: 'fw-edit'; phase: Phase; file: string; ops: FwEditOp[] } // file is /etc/pve-relative
  | { kind: 'nic-flag'; phase: Phase; vmid: number; type: 'lxc' | 'qemu'; nic: string; raw: string }
  | { kind: 'command'; phase: Phase; commands: string[] };
