import { readFileSync } from 'node:fs';
import { rootPath } from './root.js';

// Read once from package.json so reports, manifests and --version never disagree.
const pkg = JSON.parse(readFileSync(rootPath('package.json'), 'utf8')) as {
  name: string;
  version: string;
};

export const TOOL = { name: pkg.name, version: pkg.version } as const;
