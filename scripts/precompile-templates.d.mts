// Types for scripts/precompile-templates.mjs (plain JavaScript: it runs before anything is built).
export declare const TEMPLATE_OPTIONS: { strict: boolean; noEscape: boolean };
export declare function precompiledTemplates(dir: string): { rel: string; module: string }[];
