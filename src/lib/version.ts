import { readFileSync } from 'node:fs';

// Read once from package.json so reports, manifests and --version never disagree.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const TOOL = { name: pkg.name, version: pkg.version } as const;
