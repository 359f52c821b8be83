import { z } from 'zod';

// Strict patterns: every value here may reach a remote command line.
export const VMID_RE = /^[1-9][0-9]{2,8}$/;
export const BRIDGE_RE = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;
export const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const HOSTNAME_RE =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
export const GUEST_PATH_RE = /^\/[A-Za-z0-9._/-]{0,255}$/;
export const ZONE_RE =
  /^(host|outside|nfvm|(vm|ct)[1-9][0-9]{2,8}(i[0-9])?|[a-zA-Z][a-zA-Z0-9]{0,9}\/[A-Za-z0-9._-]{1,15})$/;

const validPort = (p: string | undefined) => p !== undefined && Number(p) >= 1 && Number(p) <= 65535;

const vmid = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const s = String(v);
  if (!VMID_RE.test(s)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a vmid (100-999999999, digits only)` });
    return z.NEVER;
  }
  return Number(s);
});

export const ProbeSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - only'),
    from: z.string().regex(/^(host|(ct|vm)[1-9][0-9]{2,8})$/, 'must be host, ct<vmid> or vm<vmid>'),
    url: z
      .string()
      // curl and the evidence file names carry it: a 100 KB URL is a mistake or an attack
      .max(2048, 'must be at most 2048 characters')
      .regex(
        /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/,
        'must be a plain http(s) URL without quotes, spaces or shell characters',
      )
      .refine((u) => validPort(/^https?:\/\/[^/:]+:([0-9]+)/.exec(u)?.[1] ?? '443'), {
        message: 'the URL port must be 1-65535',
      }),
    cacert: z.string().regex(GUEST_PATH_RE, 'must be an absolute path of letters, digits, . _ - /').optional(),
    resolve: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}:[0-9.]+$/, 'must be host:port:ipv4 as curl --resolve takes it')
      .refine((v) => validPort(v.split(':')[1]) && IPV4_RE.test(v.split(':')[2] ?? ''), {
        message: 'must be host:port:ipv4 with a port 1-65535 and an IPv4 address',
      })
      .optional(),
    connectTimeout: z.number().int().min(1).max(120).default(5),
    expect: z.enum(['reachable', 'blocked']).default('reachable'),
  })
  .strict();
export type Probe = z.infer<typeof ProbeSchema>;

export const AuditFileSchema = z
  .object({
    guests: z.union([z.literal('all'), z.array(vmid)]).default('all'),
    capture: z
      .object({
        bridge: z.string().regex(BRIDGE_RE, 'must be a bridge name such as vmbr0'),
        hosts: z.array(z.string().regex(IPV4_RE, 'must be an IPv4 address')).min(1),
        seconds: z.number().int().min(1).max(600).default(15),
        maxPackets: z.number().int().min(1).max(1_000_000).default(1000),
      })
      .strict()
      .optional(),
    probes: z.array(ProbeSchema).default([]),
    intent: z.string().optional(),
    phoenix: z.string().optional(),
  })
  .strict();
export type AuditFile = z.infer<typeof AuditFileSchema>;
