export { EVIDENCE_DIR, LATEST, MANIFEST, runId } from './paths.js';
export { type Bundle, readBundle } from './read.js';
export { type VerifyResult, verifyBundle } from './verify.js';
export { type BundleWriter, type ManifestInput, openBundleWriter, replaceOutputs, safeName } from './write.js';
