import { PID_TOKEN, type Plan, TMPDIR_TOKEN } from './types.js';

// The plan as `--dry-run` prints it: one remote command a line, in run order, with the condition of
// steps that depend on what the node reports, and <tmpdir>/<pid> for what mktemp and $! print.
export function printPlan(plan: Plan): string[] {
  return plan.steps.map((s) => {
    const command = s.command.split(TMPDIR_TOKEN).join('<tmpdir>').split(PID_TOKEN).join('<pid>');
    return s.when ? `${command}    # ${s.when}` : command;
  });
}
