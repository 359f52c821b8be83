import type { z } from 'zod';
import { InputError } from '../lib/errors.js';

// Turns zod's first complaint into "FILE: field.path: expected ACCEPT, DROP or REJECT".

const list = (values: readonly unknown[]): string => {
  const words = values.map(String);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}` : (words[0] ?? '');
};

export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected ${list(issue.values)}`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

export function intentInputError(file: string, error: z.ZodError, prefix: (string | number)[] = []): InputError {
  const [first, ...rest] = error.issues;
  if (!first) return new InputError('invalid', { file });
  const field = [...prefix, ...first.path].map(String).join('.') || '(top level)';
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return new InputError(`${describeIssue(first)}${more}`, { file, field });
}
