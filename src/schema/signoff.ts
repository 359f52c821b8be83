import { z } from 'zod';

// One checked sign-off signature, as `verify` prints it and the sign-off sheet shows it.
export const SignatureCheckSchema = z.object({
  file: z.string(), // signatures/<stem>.sig
  status: z.enum(['good', 'BAD', 'unknown signer']),
  name: z.string().nullable(),
  role: z.string().nullable(),
  signedAt: z.string().nullable(),
  fingerprint: z.string().nullable(),
  signerChecked: z.boolean(), // false without --allowed-signers
  problem: z.string().nullable(), // why BAD or unknown, in words
});
export type SignatureCheck = z.infer<typeof SignatureCheckSchema>;
export type SignatureStatus = SignatureCheck['status'];
